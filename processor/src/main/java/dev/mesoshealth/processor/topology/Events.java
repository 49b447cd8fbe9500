package dev.mesoshealth.processor.topology;

import dev.mesoshealth.events.HealthReason;
import dev.mesoshealth.events.HealthState;
import dev.mesoshealth.events.HealthStatus;
import dev.mesoshealth.events.HealthTransition;
import dev.mesoshealth.events.NodeRef;
import dev.mesoshealth.events.NodeRole;
import dev.mesoshealth.processor.health.ClusterMemory;
import dev.mesoshealth.processor.health.NodeMemory;
import dev.mesoshealth.processor.health.Reason;
import java.time.Instant;
import java.util.List;

/** Output events from the processor's memories. */
final class Events {
  private Events() {}

  static NodeRef ref(NodeMemory m) {
    return new NodeRef(m.cluster(), m.role(), m.nodeId(), m.hostname(), m.address());
  }

  static NodeRef ref(ClusterMemory m) {
    return new NodeRef(m.cluster(), NodeRole.CLUSTER, clusterKey(m.cluster()), null, null);
  }

  static String clusterKey(String cluster) {
    return "cluster:" + cluster;
  }

  static List<HealthReason> reasons(List<Reason> reasons) {
    return reasons.stream().map(Reason::toEvent).toList();
  }

  static HealthState state(NodeMemory m, Instant evaluatedAt) {
    return HealthState.newBuilder()
        .setNode(ref(m))
        .setState(m.state())
        .setSince(m.since())
        .setReasons(reasons(m.reasons()))
        .setEvaluatedAt(evaluatedAt)
        .setLastSnapshotAt(m.lastSnapshotAt())
        .build();
  }

  static HealthState state(ClusterMemory m, Instant evaluatedAt) {
    return HealthState.newBuilder()
        .setNode(ref(m))
        .setState(m.state())
        .setSince(m.since())
        .setReasons(reasons(m.reasons()))
        .setEvaluatedAt(evaluatedAt)
        .setLastSnapshotAt(m.evaluatedAt())
        .build();
  }

  static HealthTransition transition(
      NodeRef node, HealthStatus from, HealthStatus to, Instant at, List<Reason> reasons) {
    return HealthTransition.newBuilder()
        .setNode(node)
        .setFrom(from)
        .setTo(to)
        .setAt(at)
        .setReasons(reasons(reasons))
        .build();
  }
}
