package dev.mesoshealth.processor.query;

import dev.mesoshealth.events.HealthStatus;
import dev.mesoshealth.events.NodeRole;
import dev.mesoshealth.processor.health.ClusterMemory;
import dev.mesoshealth.processor.health.NodeMemory;
import dev.mesoshealth.processor.health.NodeMinute;
import dev.mesoshealth.processor.health.RuleConfig;
import dev.mesoshealth.processor.topology.HealthTopology;
import dev.mesoshealth.processor.topology.MetricsView;
import dev.mesoshealth.processor.topology.StoreNames;
import dev.mesoshealth.schemas.metrics.MetricCatalogue;
import dev.mesoshealth.schemas.metrics.MetricKeys;
import dev.mesoshealth.schemas.metrics.ResolvedMetric;
import dev.mesoshealth.service.HttpApi;
import dev.mesoshealth.service.HttpApi.ApiException;
import dev.mesoshealth.service.HttpApi.Request;
import dev.mesoshealth.service.HttpApi.Response;
import dev.mesoshealth.service.SharedConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * The processor's REST API over its state stores: node and cluster health, node history, latest
 * metric values, and (see {@link CapacityApi}, {@link EndpointApi}) capacity and endpoints. A key
 * held by another instance is answered by that instance (forwarded); lists are gathered from every
 * instance. Bad input is a 4xx with a JSON reason.
 */
public final class ProcessorApi {
  private final Stores stores;
  private final QueryRouter router;
  private final RuleConfig rules;
  private final Clock clock;
  private final CapacityApi capacity;
  private final EndpointApi endpoints;

  public ProcessorApi(
      KafkaStreams streams,
      HostInfo self,
      String token,
      boolean allowStale,
      HealthTopology.Settings settings,
      Clock clock) {
    this(StreamsView.of(streams), self, token, allowStale, settings, clock);
  }

  ProcessorApi(
      StreamsView streams,
      HostInfo self,
      String token,
      boolean allowStale,
      HealthTopology.Settings settings,
      Clock clock) {
    this.stores = new Stores(streams, allowStale);
    this.router = new QueryRouter(streams, self, token, allowStale);
    this.rules = settings.rules();
    this.clock = clock;
    this.capacity = new CapacityApi(stores, router, settings.capacity(), clock);
    this.endpoints = new EndpointApi(stores, router);
  }

  public HttpApi routes() {
    HttpApi api =
        new HttpApi()
            .get("/v1/nodes", Stores.guard(this::nodes))
            .get("/v1/nodes/{id}/health", Stores.guard(this::nodeHealth))
            .get("/v1/nodes/{id}/history", Stores.guard(this::history))
            .get("/v1/clusters", Stores.guard(this::clusters))
            .get("/v1/clusters/{name}/health", Stores.guard(this::clusterHealth))
            .get("/v1/metrics/{name}", Stores.guard(this::metric));
    capacity.addTo(api);
    endpoints.addTo(api);
    return api;
  }

  // ------------------------------------------------------------------ routes

  private Response nodeHealth(Request r) {
    Params.allowOnly(r, Set.of());
    String id = Params.id(r.param("id"), "node id");
    return router.byKey(
        r,
        StoreNames.NODE_HEALTH,
        id,
        () -> {
          NodeMemory m = kv(StoreNames.NODE_HEALTH, NodeMemory.class).get(id);
          if (m == null) {
            throw new ApiException(404, "no node '" + id + "'");
          }
          return Response.json(Views.node(m, rules.enterAfter(), rules.leaveAfter()));
        });
  }

  private Response history(Request r) {
    Params.allowOnly(r, Set.of("from", "to"));
    String id = Params.id(r.param("id"), "node id");
    Params.Range range = Params.range(r, clock, Duration.ofHours(1), Duration.ofDays(31));
    Instant from = range.from();
    Instant to = range.to();
    return router.byKey(
        r,
        StoreNames.NODE_HEALTH,
        id,
        () -> {
          ReadOnlyWindowStore<String, NodeMinute> store =
              stores.store(StoreNames.NODE_MINUTES, QueryableStoreTypes.windowStore());
          List<Answers.Minute> minutes = new ArrayList<>();
          try (WindowStoreIterator<NodeMinute> it =
              store.fetch(id, NodeMinute.windowStart(from), to)) {
            while (it.hasNext()) {
              minutes.add(Views.minute(it.next().value));
            }
          }
          // the minute in progress is in the node's memory until it is over
          NodeMemory m = kv(StoreNames.NODE_HEALTH, NodeMemory.class).get(id);
          NodeMinute open = m == null ? null : m.minute();
          if (open != null
              && !open.start().isBefore(NodeMinute.windowStart(from))
              && !open.start().isAfter(to)) {
            minutes.add(Views.minute(open));
          }
          if (m == null && minutes.isEmpty()) {
            // not an empty history: a node never seen here, or a store still restoring it (the
            // router turns the 404 into a 503 to retry then), which answered [] before
            throw new ApiException(404, "no node '" + id + "' and no history of it in this range");
          }
          return Response.json(
              new Answers.NodeHistory(id, from.toString(), to.toString(), minutes));
        });
  }

  private Response nodes(Request r) {
    Params.allowOnly(r, Set.of("state", "role", "cluster", "limit", "scope"));
    Set<HealthStatus> states = Params.enums(r.query("state"), HealthStatus.class, "state");
    Set<NodeRole> roles = Params.enums(r.query("role"), NodeRole.class, "role");
    String cluster = r.query("cluster");
    int limit = Params.limit(r.query("limit"));
    List<Answers.NodeHealth> nodes = new ArrayList<>();
    List<String> missing =
        router.gather(
            r,
            "nodes",
            nodes,
            Answers.NodeHealth.class,
            StoreNames.NODE_HEALTH,
            read -> {
              try (KeyValueIterator<String, NodeMemory> all =
                  kv(StoreNames.NODE_HEALTH, NodeMemory.class).all()) {
                while (all.hasNext()) {
                  NodeMemory m = all.next().value;
                  if ((states.isEmpty() || states.contains(m.state()))
                      && (roles.isEmpty() || roles.contains(m.role()))
                      && (cluster == null || cluster.equals(m.cluster()))) {
                    read.add(Views.node(m, rules.enterAfter(), rules.leaveAfter()));
                  }
                }
              }
            });
    nodes = QueryRouter.distinct(nodes, n -> n.node().id(), n -> String.valueOf(n.evaluatedAt()));
    nodes.sort(Comparator.comparing(n -> n.node().id()));
    return Response.json(
        new Answers.NodeList(
            nodes.size(),
            missing.isEmpty(),
            missing,
            nodes.subList(0, Math.min(limit, nodes.size()))));
  }

  private Response clusters(Request r) {
    Params.allowOnly(r, Set.of("scope"));
    List<Answers.ClusterHealth> clusters = new ArrayList<>();
    List<String> missing =
        router.gather(
            r,
            "clusters",
            clusters,
            Answers.ClusterHealth.class,
            StoreNames.CLUSTER_HEALTH,
            read -> {
              try (KeyValueIterator<String, ClusterMemory> all =
                  kv(StoreNames.CLUSTER_HEALTH, ClusterMemory.class).all()) {
                while (all.hasNext()) {
                  read.add(Views.cluster(all.next().value));
                }
              }
            });
    clusters =
        QueryRouter.distinct(
            clusters, Answers.ClusterHealth::cluster, c -> String.valueOf(c.evaluatedAt()));
    clusters.sort(Comparator.comparing(Answers.ClusterHealth::cluster));
    return Response.json(new Answers.ClusterList(missing.isEmpty(), clusters));
  }

  private Response clusterHealth(Request r) {
    Params.allowOnly(r, Set.of());
    String name = Params.id(r.param("name"), SharedConfig.CLUSTER_NAME);
    return router.byKey(
        r,
        StoreNames.CLUSTER_HEALTH,
        name,
        () -> {
          ClusterMemory m = kv(StoreNames.CLUSTER_HEALTH, ClusterMemory.class).get(name);
          if (m == null) {
            throw new ApiException(
                404,
                "no cluster '"
                    + name
                    + "' (yet: a cluster is known after one full round of master polls)");
          }
          return Response.json(Views.cluster(m));
        });
  }

  private Response metric(Request r) {
    Params.allowOnly(r, Set.of("node", "scope"));
    String spelling = r.param("name");
    if (spelling.length() > 512) {
      throw new ApiException(400, "metric name too long");
    }
    // a canonical spelling, or Mesos' own key as /metrics/snapshot writes it
    MetricCatalogue catalogue = MetricCatalogue.standard();
    String canonical =
        catalogue
            .canonicalName(spelling)
            .or(() -> catalogue.resolveRaw(spelling).map(ResolvedMetric::key))
            .orElseThrow(
                () -> new ApiException(404, "no metric '" + spelling + "' in the catalogue"));
    String node = r.query("node");
    if (node != null) {
      String id = Params.id(node, "node id");
      return router.byKey(
          r,
          StoreNames.NODE_HEALTH,
          id,
          () -> {
            byte[] latest = kv(StoreNames.NODE_SNAPSHOTS, byte[].class).get(id);
            List<Answers.MetricValue> values = new ArrayList<>();
            if (latest != null) {
              values.addAll(values(MetricsView.decode(latest), canonical));
            }
            if (values.isEmpty()) {
              throw new ApiException(
                  404,
                  "no value of "
                      + canonical
                      + " for node '"
                      + id
                      + "' (no snapshot since this instance started, or the node does not report it)");
            }
            return Response.json(new Answers.MetricValues(canonical, null, values));
          });
    }
    List<Answers.MetricValue> values = new ArrayList<>();
    // the latest snapshots have no changelog: the node-health store of the same tasks stands in
    List<String> missing =
        router.gather(
            r,
            "values",
            values,
            Answers.MetricValue.class,
            StoreNames.NODE_HEALTH,
            read -> {
              try (KeyValueIterator<String, byte[]> all =
                  kv(StoreNames.NODE_SNAPSHOTS, byte[].class).all()) {
                while (all.hasNext()) {
                  read.addAll(values(MetricsView.decode(all.next().value), canonical));
                }
              }
            });
    values = QueryRouter.distinct(values, v -> v.node() + "|" + v.key(), Answers.MetricValue::at);
    values.sort(Comparator.comparing(Answers.MetricValue::node));
    return Response.json(new Answers.MetricValues(canonical, missing.isEmpty(), values));
  }

  private static List<Answers.MetricValue> values(MetricsView v, String canonical) {
    List<Answers.MetricValue> out = new ArrayList<>();
    boolean labelled = canonical.contains("{");
    for (Map.Entry<String, Double> e : v.metrics().entrySet()) {
      boolean match =
          labelled ? e.getKey().equals(canonical) : MetricKeys.name(e.getKey()).equals(canonical);
      if (match) {
        out.add(new Answers.MetricValue(v.nodeId(), e.getKey(), e.getValue(), v.at().toString()));
      }
    }
    return out;
  }

  private <V> ReadOnlyKeyValueStore<String, V> kv(String name, Class<V> type) {
    return stores.store(name, QueryableStoreTypes.<String, V>keyValueStore());
  }
}
