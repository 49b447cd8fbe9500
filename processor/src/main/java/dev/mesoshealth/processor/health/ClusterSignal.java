package dev.mesoshealth.processor.health;

import dev.mesoshealth.events.HealthStatus;
import dev.mesoshealth.events.NodeRole;
import java.time.Instant;
import java.util.List;

/**
 * What the cluster evaluation needs to hear from a node evaluation: every master poll (the
 * cluster's clock), every change of a node's state, and collectors' reach.
 *
 * @param masterPoll true when it comes from a master's snapshot: the cluster is evaluated then
 * @param mastersTracked how many masters the collector polls (0: not said)
 */
public record ClusterSignal(
    String cluster,
    String nodeId,
    NodeRole role,
    String hostname,
    HealthStatus state,
    List<Reason> reasons,
    Boolean elected,
    Instant at,
    String collectorId,
    int agentsTracked,
    int agentsFailing,
    boolean masterPoll,
    int mastersTracked) {

  public ClusterSignal {
    reasons = reasons == null ? List.of() : List.copyOf(reasons);
  }
}
