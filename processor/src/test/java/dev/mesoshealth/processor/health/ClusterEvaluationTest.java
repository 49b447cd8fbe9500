package dev.mesoshealth.processor.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesoshealth.events.HealthStatus;
import dev.mesoshealth.events.NodeRole;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ClusterEvaluationTest {
  private final ClusterEvaluation evaluation = new ClusterEvaluation(RuleConfig.defaults());

  private static ClusterSignal agentPolledBy(String collector, String agent, Instant at) {
    return new ClusterSignal(
        "c",
        agent,
        NodeRole.AGENT,
        agent,
        HealthStatus.HEALTHY,
        null,
        null,
        at,
        collector,
        100,
        0,
        false,
        0);
  }

  /**
   * Collectors come and go (restarts, a group handing agents over): one silent for the stale time
   * is forgotten, or every collector that ever ran would stay in the cluster's memory.
   */
  @Test
  void aCollectorSilentForTheStaleTimeIsForgotten() {
    Instant t0 = Instant.parse("2026-12-07T08:00:00Z");
    Duration stale = RuleConfig.defaults().staleAfter();
    ClusterMemory m = evaluation.onSignal(null, agentPolledBy("old", "a1", t0), null).after();
    m = evaluation.onSignal(m, agentPolledBy("new", "a2", t0.plus(stale)), null).after();
    assertThat(m.collectors()).containsOnlyKeys("old", "new");

    m =
        evaluation
            .onSignal(m, agentPolledBy("new", "a2", t0.plus(stale).plusSeconds(1)), null)
            .after();
    assertThat(m.collectors()).containsOnlyKeys("new");
  }
}
