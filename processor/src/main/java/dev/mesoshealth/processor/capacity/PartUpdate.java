package dev.mesoshealth.processor.capacity;

import dev.mesoshealth.events.MetricSnapshot;
import dev.mesoshealth.events.Outcome;
import java.time.Instant;
import java.util.Map;

/**
 * An agent joining, changing in, or (contribution null) leaving a capacity group; or, with {@code
 * leaderTotal} set and no agent, the totals the cluster's leading master reports, kept as a
 * cross-check of the sums over agents.
 */
public record MemberUpdate(
    String groupId, String agentId, Contribution contribution, double[] leaderTotal, Instant at) {

  public static MemberUpdate member(
      String groupId, String agentId, Contribution contribution, Instant at) {
    return new MemberUpdate(groupId, agentId, contribution, null, at);
  }

  /** The leader's cluster totals from its snapshot; null when the snapshot is not one. */
  public static MemberUpdate leaderTotals(MetricSnapshot s) {
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
    return new MemberUpdate(s.getNode().getCluster(), null, null, totals, s.getPolledAt());
  }

  boolean isLeaderTotals() {
    return leaderTotal != null;
  }
}
