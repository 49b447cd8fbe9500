package dev.mesoshealth.collector;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;

/** The collector's own metrics, in Prometheus form, served on its admin port at /metrics. */
public final class CollectorMetrics {
  final PrometheusRegistry registry;
  final Counter polls;
  final Histogram pollSeconds;
  final Histogram scheduleLagSeconds;
  final Gauge agentsTracked;
  final Gauge agentsFailing;
  final Gauge shardSlots;
  final Counter skippedRounds;
  final Counter confirmations;
  final Counter inventoryFetches;
  final Counter leaderChanges;
  final Gauge mastersElected;
  final Counter producerErrors;
  final Gauge bufferedRecords;
  final Gauge bufferedBytes;
  final Counter droppedRecords;
  final Counter publishedRecords;
  final Counter nonNumericValues;

  public CollectorMetrics(PrometheusRegistry registry) {
    this.registry = registry;
    polls =
        Counter.builder()
            .name("mesos_health_collector_polls_total")
            .help("Polls of /metrics/snapshot by node role and outcome.")
            .labelNames("role", "outcome")
            .register(registry);
    pollSeconds =
        Histogram.builder()
            .name("mesos_health_collector_poll_duration_seconds")
            .help("How long a /metrics/snapshot poll took, answered or not.")
            .labelNames("role")
            .classicUpperBounds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
            .register(registry);
    scheduleLagSeconds =
        Histogram.builder()
            .name("mesos_health_collector_schedule_lag_seconds")
            .help("How late agent polls started compared with their slot.")
            .classicUpperBounds(0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
            .register(registry);
    agentsTracked =
        Gauge.builder()
            .name("mesos_health_collector_agents_tracked")
            .help("Agents this collector polls.")
            .register(registry);
    agentsFailing =
        Gauge.builder()
            .name("mesos_health_collector_agents_failing")
            .help("Agents whose latest poll failed (unreachable, timeout, HTTP error).")
            .register(registry);
    shardSlots =
        Gauge.builder()
            .name("mesos_health_collector_shard_slots")
            .help(
                "With shard=kafka: slots of mesos.collector.shards the group gives this collector"
                    + " (0: it polls nothing).")
            .register(registry);
    skippedRounds =
        Counter.builder()
            .name("mesos_health_collector_skipped_polls_total")
            .help("Agent polls skipped because the previous ones were more than an interval late.")
            .register(registry);
    confirmations =
        Counter.builder()
            .name("mesos_health_collector_confirmations_total")
            .help(
                "Confirmations of failed agent polls (poll.confirm.after): started, or skipped by"
                    + " poll.confirm.max.per.second.")
            .labelNames("result")
            .register(registry);
    inventoryFetches =
        Counter.builder()
            .name("mesos_health_collector_inventory_fetches_total")
            .help("Fetches of /master/slaves and Marathon apps by source and result.")
            .labelNames("source", "result")
            .register(registry);
    leaderChanges =
        Counter.builder()
            .name("mesos_health_collector_leader_changes_total")
            .help("Changes of the elected master seen.")
            .register(registry);
    mastersElected =
        Gauge.builder()
            .name("mesos_health_collector_masters_elected")
            .help("Masters that reported master/elected=1 in the latest round (1 is healthy).")
            .register(registry);
    producerErrors =
        Counter.builder()
            .name("mesos_health_collector_producer_errors_total")
            .help("Records Kafka refused for good (not retried).")
            .register(registry);
    bufferedRecords =
        Gauge.builder()
            .name("mesos_health_collector_buffered_records")
            .help("Events waiting to reach Kafka.")
            .register(registry);
    bufferedBytes =
        Gauge.builder()
            .name("mesos_health_collector_buffered_bytes")
            .help("Bytes of events waiting in the collector's own buffer.")
            .register(registry);
    droppedRecords =
        Counter.builder()
            .name("mesos_health_collector_dropped_records_total")
            .help("Events dropped because the buffer budget overflowed while Kafka was away.")
            .register(registry);
    publishedRecords =
        Counter.builder()
            .name("mesos_health_collector_published_records_total")
            .help("Events Kafka acknowledged, by topic.")
            .labelNames("topic")
            .register(registry);
    nonNumericValues =
        Counter.builder()
            .name("mesos_health_collector_non_numeric_values_total")
            .help(
                "Snapshot values that were not numbers (null, strings, objects) and were set aside.")
            .register(registry);
  }

  public void dropped() {
    droppedRecords.inc();
  }

  public void buffered(long records, long bytes) {
    bufferedRecords.set(records);
    bufferedBytes.set(bytes);
  }

  public void published(String topic) {
    publishedRecords.labelValues(topic).inc();
  }

  public void producerError() {
    producerErrors.inc();
  }

  /** Polls made so far, all roles and outcomes. */
  public long pollsTotal() {
    return (long) polls.collect().getDataPoints().stream().mapToDouble(d -> d.getValue()).sum();
  }

  /**
   * A histogram's buckets at one moment: upper bounds (the last infinite) and the count in each
   * (not cumulative). Two readings subtract to the distribution between them.
   */
  public record Buckets(double[] bounds, long[] counts) {

    static Buckets of(HistogramSnapshot snapshot, String role) {
      HistogramSnapshot.HistogramDataPointSnapshot point =
          snapshot.getDataPoints().stream()
              .filter(p -> role == null || role.equals(p.getLabels().get("role")))
              .findFirst()
              .orElse(null);
      if (point == null) {
        return new Buckets(new double[0], new long[0]);
      }
      var buckets = point.getClassicBuckets();
      double[] bounds = new double[buckets.size()];
      long[] counts = new long[buckets.size()];
      for (int i = 0; i < bounds.length; i++) {
        bounds[i] = buckets.getUpperBound(i);
        counts[i] = buckets.getCount(i);
      }
      return new Buckets(bounds, counts);
    }

    /** What was observed since {@code earlier}. */
    public Buckets minus(Buckets earlier) {
      long[] out = counts.clone();
      for (int i = 0; i < Math.min(out.length, earlier.counts.length); i++) {
        out[i] -= earlier.counts[i];
      }
      return new Buckets(bounds, out);
    }

    /** The q-quantile, as the upper bound of the bucket it falls in; 0 when empty. */
    public double quantile(double q) {
      long total = 0;
      for (long c : counts) {
        total += c;
      }
      long need = (long) Math.ceil(q * total);
      long seen = 0;
      for (int i = 0; i < counts.length && total > 0; i++) {
        seen += counts[i];
        if (seen >= need) {
          return bounds[i];
        }
      }
      return 0;
    }
  }

  /** How late agent polls started, so far. */
  public Buckets scheduleLag() {
    return Buckets.of(scheduleLagSeconds.collect(), null);
  }

  /** How long agent polls took, answered or not, so far. */
  public Buckets agentPollDuration() {
    return Buckets.of(pollSeconds.collect(), "agent");
  }

  /** Agent polls skipped so far because they were more than an interval late. */
  public long skippedTotal() {
    return (long) skippedRounds.get();
  }

  /** Events Kafka acknowledged so far. */
  public long publishedTotal() {
    return (long)
        publishedRecords.collect().getDataPoints().stream().mapToDouble(d -> d.getValue()).sum();
  }
}
