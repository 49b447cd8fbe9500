package dev.mesoshealth.processor.it;

import dev.mesoshealth.events.CollectorRef;
import dev.mesoshealth.events.MetricSnapshot;
import dev.mesoshealth.events.NodeRef;
import dev.mesoshealth.events.NodeRole;
import dev.mesoshealth.events.Outcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A deterministic stream of snapshots: rounds of every master and agent, with some agents failing
 * for a while, so a processor has transitions to make.
 */
final class Inputs {
  private Inputs() {}

  static String agentId(String prefix, int i) {
    return prefix + "-S" + i;
  }

  static String masterId(String prefix, int i) {
    return "master:" + prefix.toLowerCase() + "-m" + i + ":5050";
  }

  /**
   * Round r of a cluster: 3 masters, n agents; agent i fails in rounds where (i + r / 5) % 4 == 0.
   */
  static List<MetricSnapshot> round(String prefix, int agents, int r, Instant at) {
    List<MetricSnapshot> out = new ArrayList<>();
    CollectorRef collector = new CollectorRef("c-" + prefix, "0/1", agents, 0, 0);
    for (int m = 0; m < 3; m++) {
      String id = masterId(prefix, m);
      out.add(
          MetricSnapshot.newBuilder()
              .setNode(
                  new NodeRef(
                      prefix, NodeRole.MASTER, id, prefix + "-m" + m, prefix + "-m" + m + ":5050"))
              .setPolledAt(at)
              .setDurationMs(3)
              .setOutcome(Outcome.OK)
              .setElected(m == 0)
              .setMetrics(
                  Map.of(
                      "mesos.stats.elected",
                      m == 0 ? 1.0 : 0.0,
                      "mesos.stats.uptime_secs",
                      1000.0 + r))
              .setCollector(collector)
              .build());
    }
    for (int i = 0; i < agents; i++) {
      String id = agentId(prefix, i);
      boolean failing = (i + r / 5) % 4 == 0 && r >= 5;
      MetricSnapshot.Builder b =
          MetricSnapshot.newBuilder()
              .setNode(
                  new NodeRef(
                      prefix, NodeRole.AGENT, id, id.toLowerCase(), "10.1.0." + i + ":5051"))
              .setPolledAt(at)
              .setDurationMs(4)
              .setCollector(collector);
      if (failing) {
        b.setOutcome(Outcome.UNREACHABLE).setError("connection refused");
      } else {
        b.setOutcome(Outcome.OK)
            .setMetrics(
                Map.of(
                    "mesos.stats.registered", 1.0, "mesos.slave.tasks_running", (double) (i % 7)));
      }
      out.add(b.build());
    }
    return out;
  }

  static List<MetricSnapshot> rounds(String prefix, int agents, int from, int to, Instant base) {
    List<MetricSnapshot> out = new ArrayList<>();
    for (int r = from; r < to; r++) {
      out.addAll(round(prefix, agents, r, base.plusSeconds(r)));
    }
    return out;
  }
}
