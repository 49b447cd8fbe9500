package dev.mesoshealth.processor.health;

import dev.mesoshealth.events.CollectorRef;
import dev.mesoshealth.events.MetricSnapshot;
import dev.mesoshealth.events.NodeRole;
import dev.mesoshealth.events.Outcome;
import java.time.Instant;
import java.util.Map;

/** One snapshot as the rules see it. */
public record Observation(
    String nodeId,
    String cluster,
    NodeRole role,
    String hostname,
    String address,
    Instant polledAt,
    Outcome outcome,
    String error,
    Boolean elected,
    Map<String, Double> metrics,
    String collectorId,
    int agentsTracked,
    int agentsFailing,
    int mastersTracked) {

  public static Observation of(MetricSnapshot s) {
    CollectorRef c = s.getCollector();
    return new Observation(
        s.getNode().getId(),
        s.getNode().getCluster(),
        s.getNode().getRole(),
        s.getNode().getHostname(),
        s.getNode().getAddress(),
        s.getPolledAt(),
        s.getOutcome(),
        s.getError(),
        s.getElected(),
        s.getMetrics(),
        c == null ? null : c.getId(),
        c == null ? 0 : c.getAgentsTracked(),
        c == null ? 0 : c.getAgentsFailing(),
        c == null ? 0 : c.getMastersTracked());
  }

  public Double metric(String canonicalName) {
    return metrics.get(canonicalName);
  }

  /** The node did not answer usefully: refused, timed out or answered with an error status. */
  public boolean pollFailed() {
    return outcome == Outcome.UNREACHABLE
        || outcome == Outcome.TIMEOUT
        || outcome == Outcome.HTTP_ERROR;
  }

  /** The node answered with something that is not a snapshot. */
  public boolean invalid() {
    return outcome == Outcome.INVALID || outcome == Outcome.UNKNOWN;
  }

  /** Share of the reporting collector's agents whose latest poll failed. */
  public double collectorFailingShare() {
    return agentsTracked <= 0 ? 0 : (double) agentsFailing / agentsTracked;
  }
}
