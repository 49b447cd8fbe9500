package dev.mesoshealth.processor.query;

import dev.mesoshealth.events.CapacityTrend;
import dev.mesoshealth.events.ResourceCapacity;
import dev.mesoshealth.events.Trend;
import dev.mesoshealth.events.TrendVerdict;
import dev.mesoshealth.processor.endpoints.EndpointMemory;
import dev.mesoshealth.processor.health.ClusterMemory;
import dev.mesoshealth.processor.health.NodeMemory;
import dev.mesoshealth.processor.topology.StoreNames;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;

/**
 * The current health as Prometheus series, read from this instance's active stores at each scrape:
 * every instance exports the keys it owns, so summed over the instances each node, cluster,
 * endpoint and group appears once. One series per node (its current state only: 10,000 agents are
 * 10,000 series), per cluster, per app and endpoint status, and per capacity group and resource. A
 * store that cannot be read now (rebalancing) exports nothing until it can.
 */
public final class HealthSeries {
  /** How far back a capacity group's latest closed minute is looked for. */
  private static final Duration CAPACITY_LOOKBACK = Duration.ofMinutes(5);

  private final StreamsView streams;
  private final Clock clock;

  private HealthSeries(StreamsView streams, Clock clock) {
    this.streams = streams;
    this.clock = clock;
  }

  /** Registers the series, read from {@code streams}' stores at each scrape. */
  public static void register(
      org.apache.kafka.streams.KafkaStreams streams, PrometheusRegistry registry) {
    register(StreamsView.of(streams), registry, Clock.systemUTC());
  }

  static void register(StreamsView streams, PrometheusRegistry registry, Clock clock) {
    HealthSeries s = new HealthSeries(streams, clock);
    GaugeWithCallback.builder()
        .name("mesos_health_node_state")
        .help("1 for each node's current state (one series per node).")
        .labelNames("cluster", "node", "role", "state")
        .callback(
            cb ->
                s.each(
                    StoreNames.NODE_HEALTH,
                    NodeMemory.class,
                    m -> cb.call(1, m.cluster(), m.nodeId(), m.role().name(), m.state().name())))
        .register(registry);
    GaugeWithCallback.builder()
        .name("mesos_health_cluster_state")
        .help("1 for each cluster's current state.")
        .labelNames("cluster", "state")
        .callback(
            cb ->
                s.each(
                    StoreNames.CLUSTER_HEALTH,
                    ClusterMemory.class,
                    m -> cb.call(1, m.cluster(), m.state().name())))
        .register(registry);
    GaugeWithCallback.builder()
        .name("mesos_health_cluster_agents")
        .help("Agents of each cluster by state, as the cluster counts them.")
        .labelNames("cluster", "state")
        .callback(
            cb ->
                s.each(
                    StoreNames.CLUSTER_HEALTH,
                    ClusterMemory.class,
                    m -> m.agents().forEach((state, n) -> cb.call(n, m.cluster(), state.name()))))
        .register(registry);
    GaugeWithCallback.builder()
        .name("mesos_health_endpoints")
        .help("Endpoints by cluster, Marathon app and status (UP, DRAIN, DOWN).")
        .labelNames("cluster", "app", "status")
        .callback(
            cb -> {
              Map<List<String>, Integer> counts = new TreeMap<>(HealthSeries::compare);
              s.each(
                  StoreNames.ENDPOINT_TASKS,
                  EndpointMemory.class,
                  m -> {
                    if (m.emitted() != null) {
                      counts.merge(
                          List.of(m.cluster(), m.appId(), m.emitted().name()), 1, Integer::sum);
                    }
                  });
              counts.forEach((k, n) -> cb.call(n, k.get(0), k.get(1), k.get(2)));
            })
        .register(registry);
    GaugeWithCallback.builder()
        .name("mesos_health_capacity_used_ratio")
        .help("Used share of each capacity group's resource in its latest closed minute.")
        .labelNames("cluster", "group", "kind", "resource")
        .callback(
            cb ->
                s.latestCapacity()
                    .forEach(
                        (group, t) -> {
                          for (ResourceCapacity r : t.getResources()) {
                            if (r.getTotal() > 0) {
                              cb.call(
                                  r.getUsedRatio(),
                                  t.getCluster(),
                                  group,
                                  t.getKind().name(),
                                  r.getResource());
                            }
                          }
                        }))
        .register(registry);
    GaugeWithCallback.builder()
        .name("mesos_health_capacity_exhaustion_timestamp_seconds")
        .help(
            "When a growing resource of a capacity group is forecast to run out (Unix time), by"
                + " trend horizon; absent unless the trend is GROWING.")
        .labelNames("cluster", "group", "resource", "horizon")
        .callback(
            cb ->
                s.latestCapacity()
                    .forEach(
                        (group, t) -> {
                          for (ResourceCapacity r : t.getResources()) {
                            for (Trend trend : r.getTrends()) {
                              if (trend.getVerdict() == TrendVerdict.GROWING
                                  && trend.getReach100At() != null) {
                                cb.call(
                                    trend.getReach100At().toEpochMilli() / 1000.0,
                                    t.getCluster(),
                                    group,
                                    r.getResource(),
                                    trend.getHorizon());
                              }
                            }
                          }
                        }))
        .register(registry);
  }

  private static int compare(List<String> a, List<String> b) {
    return String.join("\u0000", a).compareTo(String.join("\u0000", b));
  }

  /** Every value of a key-value store this instance is active for. */
  private <V> void each(String store, Class<V> type, Consumer<V> action) {
    try {
      ReadOnlyKeyValueStore<String, V> kv =
          streams.store(
              StoreQueryParameters.fromNameAndType(
                  store, QueryableStoreTypes.<String, V>keyValueStore()));
      try (KeyValueIterator<String, V> all = kv.all()) {
        while (all.hasNext()) {
          action.accept(all.next().value);
        }
      }
    } catch (InvalidStateStoreException e) {
      // rebalancing or restoring: this scrape misses these series, the next one has them
    }
  }

  /** Each capacity group's latest closed minute within the lookback. */
  private Map<String, CapacityTrend> latestCapacity() {
    Map<String, CapacityTrend> latest = new TreeMap<>();
    try {
      ReadOnlyWindowStore<String, CapacityTrend> minutes =
          streams.store(
              StoreQueryParameters.fromNameAndType(
                  StoreNames.CAPACITY_MINUTES,
                  QueryableStoreTypes.<String, CapacityTrend>windowStore()));
      Instant now = clock.instant();
      try (KeyValueIterator<Windowed<String>, CapacityTrend> all =
          minutes.fetchAll(now.minus(CAPACITY_LOOKBACK), now)) {
        while (all.hasNext()) {
          KeyValue<Windowed<String>, CapacityTrend> kv = all.next();
          CapacityTrend before = latest.get(kv.key.key());
          if (before == null || kv.value.getWindowEnd().isAfter(before.getWindowEnd())) {
            latest.put(kv.key.key(), kv.value);
          }
        }
      }
    } catch (InvalidStateStoreException e) {
      // rebalancing or restoring: no capacity series this scrape
    }
    return latest;
  }
}
