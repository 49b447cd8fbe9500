package dev.mesoshealth.processor.query;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mesoshealth.events.HealthStatus;
import dev.mesoshealth.events.NodeRole;
import dev.mesoshealth.processor.health.ClusterMemory;
import dev.mesoshealth.processor.health.NodeMemory;
import dev.mesoshealth.processor.health.NodeMinute;
import dev.mesoshealth.processor.health.RuleConfig;
import dev.mesoshealth.processor.topology.MetricsView;
import dev.mesoshealth.processor.topology.StoreNames;
import dev.mesoshealth.schemas.metrics.MetricCatalogue;
import dev.mesoshealth.schemas.metrics.MetricKeys;
import dev.mesoshealth.service.Durations;
import dev.mesoshealth.service.HttpApi;
import dev.mesoshealth.service.HttpApi.ApiException;
import dev.mesoshealth.service.HttpApi.Request;
import dev.mesoshealth.service.HttpApi.Response;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * The processor's REST API over its state stores: node and cluster health, node history, latest
 * metric values. A key held by another instance is answered by that instance (forwarded); lists are
 * gathered from every instance. Bad input is a 4xx with a JSON reason.
 */
public final class ProcessorApi {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.:@/*\\-]{1,256}");
  private static final int MAX_LIMIT = 100_000;

  private final Stores stores;
  private final QueryRouter router;
  private final RuleConfig rules;
  private final Clock clock;

  public ProcessorApi(
      org.apache.kafka.streams.KafkaStreams streams,
      HostInfo self,
      String token,
      boolean allowStale,
      RuleConfig rules,
      Clock clock) {
    this.stores = new Stores(streams, allowStale);
    this.router = new QueryRouter(streams, self, token);
    this.rules = rules;
    this.clock = clock;
  }

  public HttpApi routes() {
    return new HttpApi()
        .get("/v1/nodes", guard(this::nodes))
        .get("/v1/nodes/{id}/health", guard(this::nodeHealth))
        .get("/v1/nodes/{id}/history", guard(this::history))
        .get("/v1/clusters", guard(this::clusters))
        .get("/v1/clusters/{name}/health", guard(this::clusterHealth))
        .get("/v1/metrics/{name}", guard(this::metric));
  }

  /** Stores can move away mid-request (rebalance): that is a 503 to retry, not a 500. */
  private static HttpApi.Handler guard(HttpApi.Handler handler) {
    return request -> {
      try {
        return handler.handle(request);
      } catch (org.apache.kafka.streams.errors.InvalidStateStoreException e) {
        throw Stores.unavailable("state is moving between instances");
      }
    };
  }

  // ------------------------------------------------------------------ routes

  private Response nodeHealth(Request r) {
    allowOnly(r, Set.of());
    String id = id(r.param("id"), "node id");
    return byKey(
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
    allowOnly(r, Set.of("from", "to"));
    String id = id(r.param("id"), "node id");
    Instant now = clock.instant();
    Instant to = time(r.query("to"), now, "to");
    Instant from = time(r.query("from"), to.minus(Duration.ofHours(1)), "from");
    if (from.isAfter(to)) {
      throw new ApiException(400, "'from' (" + from + ") is after 'to' (" + to + ")");
    }
    if (Duration.between(from, to).compareTo(Duration.ofDays(31)) > 0) {
      throw new ApiException(400, "at most 31 days of history per request");
    }
    return byKey(
        r,
        StoreNames.NODE_HEALTH,
        id,
        () -> {
          ReadOnlyWindowStore<String, NodeMinute> store =
              stores.store(StoreNames.NODE_MINUTES, QueryableStoreTypes.windowStore());
          List<Map<String, Object>> minutes = new ArrayList<>();
          try (WindowStoreIterator<NodeMinute> it =
              store.fetch(id, NodeMinute.windowStart(from), to)) {
            while (it.hasNext()) {
              minutes.add(Views.minute(it.next().value));
            }
          }
          Map<String, Object> out = new LinkedHashMap<>();
          out.put("node", id);
          out.put("from", from.toString());
          out.put("to", to.toString());
          out.put("minutes", minutes);
          return Response.json(out);
        });
  }

  private Response nodes(Request r) {
    allowOnly(r, Set.of("state", "role", "cluster", "limit", "scope"));
    Set<HealthStatus> states = enums(r.query("state"), HealthStatus.class, "state");
    Set<NodeRole> roles = enums(r.query("role"), NodeRole.class, "role");
    String cluster = r.query("cluster");
    int limit = limit(r.query("limit"));
    List<Map<String, Object>> nodes = new ArrayList<>();
    try (KeyValueIterator<String, NodeMemory> all =
        kv(StoreNames.NODE_HEALTH, NodeMemory.class).all()) {
      while (all.hasNext()) {
        NodeMemory m = all.next().value;
        if ((states.isEmpty() || states.contains(m.state()))
            && (roles.isEmpty() || roles.contains(m.role()))
            && (cluster == null || cluster.equals(m.cluster()))) {
          nodes.add(Views.node(m, rules.enterAfter(), rules.leaveAfter()));
        }
      }
    }
    List<String> missing = gather(r, "nodes", nodes);
    nodes = distinct(nodes, n -> String.valueOf(((Map<?, ?>) n.get("node")).get("id")));
    nodes.sort(Comparator.comparing(n -> String.valueOf(((Map<?, ?>) n.get("node")).get("id"))));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("count", nodes.size());
    out.put("complete", missing.isEmpty());
    if (!missing.isEmpty()) {
      out.put("unanswered", missing);
    }
    out.put("nodes", nodes.subList(0, Math.min(limit, nodes.size())));
    return Response.json(out);
  }

  private Response clusters(Request r) {
    allowOnly(r, Set.of("scope"));
    List<Map<String, Object>> clusters = new ArrayList<>();
    try (KeyValueIterator<String, ClusterMemory> all =
        kv(StoreNames.CLUSTER_HEALTH, ClusterMemory.class).all()) {
      while (all.hasNext()) {
        clusters.add(Views.cluster(all.next().value));
      }
    }
    List<String> missing = gather(r, "clusters", clusters);
    clusters = distinct(clusters, c -> String.valueOf(c.get("cluster")));
    clusters.sort(Comparator.comparing(c -> String.valueOf(c.get("cluster"))));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("complete", missing.isEmpty());
    out.put("clusters", clusters);
    return Response.json(out);
  }

  private Response clusterHealth(Request r) {
    allowOnly(r, Set.of());
    String name = id(r.param("name"), "cluster name");
    return byKey(
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
    allowOnly(r, Set.of("node", "scope"));
    String spelling = r.param("name");
    if (spelling.length() > 512) {
      throw new ApiException(400, "metric name too long");
    }
    String canonical =
        MetricCatalogue.standard()
            .canonicalName(spelling)
            .orElseThrow(
                () -> new ApiException(404, "no metric '" + spelling + "' in the catalogue"));
    String node = r.query("node");
    if (node != null) {
      String id = id(node, "node id");
      return byKey(
          r,
          StoreNames.NODE_HEALTH,
          id,
          () -> {
            MetricsView v = kv(StoreNames.NODE_METRICS, MetricsView.class).get(id);
            List<Map<String, Object>> values = new ArrayList<>();
            if (v != null) {
              values.addAll(values(v, canonical));
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
            return Response.json(Map.of("metric", canonical, "values", values));
          });
    }
    List<Map<String, Object>> values = new ArrayList<>();
    try (KeyValueIterator<String, MetricsView> all =
        kv(StoreNames.NODE_METRICS, MetricsView.class).all()) {
      while (all.hasNext()) {
        values.addAll(values(all.next().value, canonical));
      }
    }
    List<String> missing = gather(r, "values", values);
    values = distinct(values, v -> v.get("node") + "|" + v.get("key"));
    values.sort(Comparator.comparing(v -> String.valueOf(v.get("node"))));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("metric", canonical);
    out.put("complete", missing.isEmpty());
    out.put("values", values);
    return Response.json(out);
  }

  private static List<Map<String, Object>> values(MetricsView v, String canonical) {
    List<Map<String, Object>> out = new ArrayList<>();
    boolean labelled = canonical.contains("{");
    for (Map.Entry<String, Double> e : v.metrics().entrySet()) {
      boolean match =
          labelled ? e.getKey().equals(canonical) : MetricKeys.name(e.getKey()).equals(canonical);
      if (match) {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("node", v.nodeId());
        value.put("key", e.getKey());
        value.put("value", e.getValue());
        value.put("at", v.at().toString());
        out.add(value);
      }
    }
    return out;
  }

  // ------------------------------------------------------------------ routing

  private interface Local {
    Response answer();
  }

  /** Answers from this instance if it owns the key, else from the owner (or a standby). */
  private Response byKey(Request r, String store, String key, Local local) {
    if (r.header(QueryRouter.FORWARDED) != null) {
      return local.answer();
    }
    Optional<List<HostInfo>> owners = router.owners(store, key);
    if (owners.isEmpty()) {
      return local.answer();
    }
    for (HostInfo host : owners.get()) {
      if (host.equals(router.self())) {
        return local.answer();
      }
      Optional<Response> forwarded = router.forward(host, pathAndQuery(r));
      if (forwarded.isPresent()) {
        return forwarded.get();
      }
    }
    if (stores.allowStale()) {
      return local.answer();
    }
    throw Stores.unavailable("the instance holding '" + key + "' does not answer");
  }

  /** Adds the other instances' local results to a list; returns those that did not answer. */
  private List<String> gather(Request r, String field, List<Map<String, Object>> into) {
    if ("local".equals(r.query("scope")) || r.header(QueryRouter.FORWARDED) != null) {
      return List.of();
    }
    List<String> missing = new ArrayList<>();
    String query = pathAndQuery(r);
    String local = query + (query.contains("?") ? "&" : "?") + "scope=local";
    for (HostInfo host : router.others()) {
      Optional<Response> answer = router.forward(host, local);
      if (answer.isEmpty() || answer.get().status() != 200) {
        missing.add(host.host() + ":" + host.port());
        continue;
      }
      try {
        JsonNode body = HttpApi.JSON.readTree(answer.get().body());
        for (JsonNode item : body.path(field)) {
          @SuppressWarnings("unchecked")
          Map<String, Object> map = HttpApi.JSON.convertValue(item, Map.class);
          into.add(map);
        }
      } catch (IOException e) {
        missing.add(host.host() + ":" + host.port());
      }
    }
    return missing;
  }

  /**
   * With standby replicas an instance also holds copies of other instances' partitions, so a key
   * can appear twice in a gathered list: keep one per key, the most recently evaluated.
   */
  static List<Map<String, Object>> distinct(
      List<Map<String, Object>> items,
      java.util.function.Function<Map<String, Object>, String> key) {
    Map<String, Map<String, Object>> byKey = new LinkedHashMap<>();
    for (Map<String, Object> item : items) {
      byKey.merge(
          key.apply(item), item, (a, b) -> freshness(b).compareTo(freshness(a)) > 0 ? b : a);
    }
    return new ArrayList<>(byKey.values());
  }

  private static String freshness(Map<String, Object> item) {
    return String.valueOf(item.getOrDefault("evaluatedAt", item.get("at")));
  }

  private static String pathAndQuery(Request r) {
    StringBuilder q = new StringBuilder(r.path());
    String sep = "?";
    for (Map.Entry<String, String> e : r.query().entrySet()) {
      if (e.getKey().equals("scope")) {
        continue;
      }
      q.append(sep).append(enc(e.getKey())).append('=').append(enc(e.getValue()));
      sep = "&";
    }
    return q.toString();
  }

  private static String enc(String s) {
    return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
  }

  // ------------------------------------------------------------------ input checks

  private <V> ReadOnlyKeyValueStore<String, V> kv(String name, Class<V> type) {
    return stores.store(name, QueryableStoreTypes.<String, V>keyValueStore());
  }

  private static void allowOnly(Request r, Set<String> known) {
    for (String key : r.query().keySet()) {
      if (!known.contains(key)) {
        throw new ApiException(
            400,
            "unknown parameter '"
                + key
                + "'"
                + (known.isEmpty()
                    ? "; this resource takes none"
                    : "; known: " + String.join(", ", new java.util.TreeSet<>(known))));
      }
    }
  }

  private static String id(String value, String what) {
    if (value == null || !ID.matcher(value).matches()) {
      throw new ApiException(
          400, "malformed " + what + ": 1-256 characters of letters, digits and . _ : @ / * -");
    }
    return value;
  }

  private static int limit(String value) {
    if (value == null) {
      return 1000;
    }
    try {
      int n = Integer.parseInt(value);
      if (n < 1 || n > MAX_LIMIT) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new ApiException(
          400, "limit must be a number from 1 to " + MAX_LIMIT + ", got '" + value + "'");
    }
  }

  private static <E extends Enum<E>> Set<E> enums(String value, Class<E> type, String name) {
    Set<E> out = EnumSet.noneOf(type);
    if (value == null || value.isEmpty()) {
      return out;
    }
    for (String part : value.split(",")) {
      try {
        out.add(Enum.valueOf(type, part.trim().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new ApiException(
            400, "unknown " + name + " '" + part + "'; one of " + EnumSet.allOf(type));
      }
    }
    return out;
  }

  /** An ISO-8601 instant, epoch milliseconds, or a duration before now ("1h", "-15m"). */
  private Instant time(String value, Instant fallback, String name) {
    if (value == null || value.isEmpty()) {
      return fallback;
    }
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      // not an instant: try the other forms
    }
    if (value.matches("\\d{10,14}")) {
      return Instant.ofEpochMilli(Long.parseLong(value));
    }
    try {
      return clock
          .instant()
          .minus(Durations.parse(value.startsWith("-") ? value.substring(1) : value));
    } catch (IllegalArgumentException e) {
      throw new ApiException(
          400,
          "'"
              + name
              + "' must be an ISO-8601 time, epoch milliseconds or a duration before now (e.g. 1h), got '"
              + value
              + "'");
    }
  }
}
