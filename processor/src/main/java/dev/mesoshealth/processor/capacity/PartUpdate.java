package dev.mesoshealth.processor.capacity;

import dev.mesoshealth.events.MetricSnapshot;
import dev.mesoshealth.events.Outcome;
import java.time.Instant;
import java.util.Map;

/**
 * One stream partition's part of a capacity group, or (part null) the news that the partition has
 * no agent left in it; or, with {@code leaderTotal} set and no part, the totals the cluster's
 * leading master reports, kept as a cross-check of the sums over agents.
 *
 * @param partition the fan-out's stream partition the part sums up
 */
public record PartUpdate(
    String groupId,
    String partition,
    CapacityPart part,
    boolean wholeRound,
    double[] leaderTotal,
    Instant at) {

  /**
   * @param wholeRound whether the partition had seen a whole round of inventory when it summed the
   *     part; before that, after a start, it may not know all its agents yet
   */
  public static PartUpdate part(
      String groupId, String partition, CapacityPart part, boolean wholeRound, Instant at) {
    return new PartUpdate(groupId, partition, part, wholeRound, null, at);
  }

  /** The leader's cluster totals from its snapshot; null when the snapshot is not one. */
  public static PartUpdate leaderTotals(MetricSnapshot s) {
    if (!Boolean.TRUE.equals(s.getElected())
        || (s.getOutcome() != Outcome.OK && s.getOutcome() != Outcome.PARTIAL)) {
      return null;
    }
    Map<String, Double> m = s.getMetrics();
    Double cpus = m.get("mesos.cluster.cpus_total");
    if (cpus == null) {
      return null;
    }
    double[] totals = {
      cpus,
      m.getOrDefault("mesos.cluster.mem_total", 0.0),
      m.getOrDefault("mesos.cluster.disk_total", 0.0),
      m.getOrDefault("mesos.cluster.gpus_total", 0.0)
    };
    return new PartUpdate(s.getNode().getCluster(), null, null, true, totals, s.getPolledAt());
  }

  public boolean isLeaderTotals() {
    return leaderTotal != null;
  }
}
