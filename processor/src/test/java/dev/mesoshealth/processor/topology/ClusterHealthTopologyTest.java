package dev.mesoshealth.processor.topology;

import static dev.mesoshealth.processor.topology.TopologyHarness.healthyAgentMetrics;
import static dev.mesoshealth.processor.topology.TopologyHarness.healthyMasterMetrics;
import static dev.mesoshealth.processor.topology.TopologyHarness.t;
import static dev.mesoshealth.processor.topology.TopologyHarness.with;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mesoshealth.events.HealthReason;
import dev.mesoshealth.events.HealthStatus;
import dev.mesoshealth.events.Outcome;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The CLUSTER node: quorum rules, the leader's reasons, agent shares and the blindness guard. */
class ClusterHealthTopologyTest {
  private static final String CLUSTER = "cluster:prod";
  private final TopologyHarness h = new TopologyHarness();

  @AfterEach
  void close() {
    h.close();
  }

  private void healthyAgents(int n, int atSeconds) {
    for (int i = 0; i < n; i++) {
      h.agent("S" + i, t(atSeconds), healthyAgentMetrics());
    }
  }

  @Test
  void aHealthyClusterIsHealthy() {
    healthyAgents(10, 0);
    h.mastersRound(t(1));
    assertThat(h.stateOf(CLUSTER)).as("after one round the masters are not known yet").isNull();
    h.mastersRound(t(11));

    assertThat(h.stateOf(CLUSTER)).isEqualTo(HealthStatus.HEALTHY);
    assertThat(h.latest(CLUSTER).getNode().getRole().name()).isEqualTo("CLUSTER");
  }

  @Test
  void noElectedMasterForKRoundsMakesItUnhealthy() {
    h.mastersRound(t(0));
    h.mastersRound(t(5));
    for (int round = 1; round <= 2; round++) {
      for (int m = 0; m < 3; m++) {
        h.master(m, t(10 * round), healthyMasterMetrics(false), false);
      }
      if (round == 1) {
        assertThat(h.stateOf(CLUSTER))
            .as("one round without a leader")
            .isEqualTo(HealthStatus.HEALTHY);
      }
    }

    assertThat(h.stateOf(CLUSTER)).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(h.latest(CLUSTER).getReasons())
        .extracting(HealthReason::getRule)
        .contains("cluster.no-leader");
    for (int round = 3; round <= 5; round++) {
      h.mastersRound(t(10 * round));
    }
    assertThat(h.stateOf(CLUSTER)).isEqualTo(HealthStatus.HEALTHY);
  }

  @Test
  void aStartWhoseLeaderIsStillBeingJudgedIsNoMissingLeader() {
    // the leader's first polls show a passing registry spike: its own state stays UNKNOWN while
    // its verdict is confirmed, but it answers and says it leads
    var slowRegistry = with(healthyMasterMetrics(true), "mesos.registrar.state_store_ms.p99", 2500);
    for (int round = 0; round < 3; round++) {
      h.master(0, t(10 * round), round < 1 ? slowRegistry : healthyMasterMetrics(true), true);
      h.master(1, t(10 * round + 1), healthyMasterMetrics(false), false);
      h.master(2, t(10 * round + 2), healthyMasterMetrics(false), false);
    }
    for (int round = 3; round < 5; round++) {
      h.master(0, t(10 * round), slowRegistry, true);
      h.master(1, t(10 * round + 1), healthyMasterMetrics(false), false);
      h.master(2, t(10 * round + 2), healthyMasterMetrics(false), false);
    }

    assertThat(h.transitionPath(CLUSTER))
        .as("no start-up alarm; the spike, once confirmed, is the leader's reason")
        .containsExactly("UNKNOWN>HEALTHY", "HEALTHY>DEGRADED");
    assertThat(h.stateLog)
        .filteredOn(r -> r.key().equals(CLUSTER))
        .flatExtracting(r -> r.value().getReasons())
        .extracting(HealthReason::getRule)
        .doesNotContain("cluster.no-leader", "cluster.masters-down");
  }

  @Test
  void theClusterIsNotJudgedBeforeItHasHeardFromEveryMasterTheCollectorPolls() {
    // the leader's snapshots sit on a partition whose task starts late: the followers' signals
    // reach the cluster evaluation rounds before the leader's first one does
    for (int round = 0; round < 4; round++) {
      h.master(1, t(10 * round + 1), healthyMasterMetrics(false), false);
      h.master(2, t(10 * round + 2), healthyMasterMetrics(false), false);
    }
    assertThat(h.stateOf(CLUSTER)).as("not judged on two of three masters").isNull();
    for (int round = 0; round < 6; round++) {
      h.master(0, t(10 * round), healthyMasterMetrics(true), true);
    }
    for (int round = 4; round < 6; round++) {
      h.master(1, t(10 * round + 1), healthyMasterMetrics(false), false);
      h.master(2, t(10 * round + 2), healthyMasterMetrics(false), false);
    }

    assertThat(h.transitionPath(CLUSTER)).containsExactly("UNKNOWN>HEALTHY");
  }

  @Test
  void mastersTheCollectorNoLongerPollsAreForgottenNotCountedDownForGood() {
    for (int round = 0; round < 3; round++) {
      h.mastersRound(t(10 * round));
    }
    // the pipeline restarts against masters on other addresses (new hosts, other ports): the
    // collector polls the new ones only; the old ones' state is what the processor restored
    java.util.List<String> replaced =
        java.util.List.of("master:10.9.0.1:5050", "master:10.9.0.2:5050", "master:10.9.0.3:5050");
    for (int round = 6; round < 15; round++) {
      for (int m = 0; m < 3; m++) {
        String id = replaced.get(m);
        h.snapshots.pipeInput(
            id,
            TopologyHarness.snapshot(
                id,
                dev.mesoshealth.events.NodeRole.MASTER,
                t(10 * round + m),
                Outcome.OK,
                healthyMasterMetrics(m == 0),
                m == 0,
                new dev.mesoshealth.events.CollectorRef("c1", "0/1", 100, 0, 3)),
            t(10 * round + m));
      }
    }

    assertThat(h.stateOf(CLUSTER)).isEqualTo(HealthStatus.HEALTHY);
    assertThat(h.stateLog)
        .filteredOn(r -> r.key().equals(CLUSTER))
        .flatExtracting(r -> r.value().getReasons())
        .extracting(HealthReason::getRule)
        .doesNotContain("cluster.masters-down");
  }

  @Test
  void twoElectedMastersMakeItUnhealthy() {
    for (int round = 0; round < 2; round++) {
      h.master(0, t(10 * round), healthyMasterMetrics(true), true);
      h.master(1, t(10 * round), healthyMasterMetrics(true), true);
      h.master(2, t(10 * round), healthyMasterMetrics(false), false);
    }

    assertThat(h.stateOf(CLUSTER)).isEqualTo(HealthStatus.UNHEALTHY);
    HealthReason reason =
        h.latest(CLUSTER).getReasons().stream()
            .filter(r -> r.getRule().equals("cluster.two-leaders"))
            .findFirst()
            .orElseThrow();
    assertThat(reason.getMessage()).isEqualTo("2 masters claim leadership: 10.0.1.1, 10.0.1.2");
  }

  @Test
  void oneMasterDownDegradesTwoLoseTheQuorum() {
    for (int round = 0; round < 3; round++) {
      h.master(0, t(10 * round), healthyMasterMetrics(true), true);
      h.master(1, t(10 * round), healthyMasterMetrics(false), false);
      h.masterFailed(2, t(10 * round));
    }
    assertThat(h.stateOf(CLUSTER)).isEqualTo(HealthStatus.DEGRADED);
    assertThat(h.latest(CLUSTER).getReasons().get(0).getMessage())
        .isEqualTo("1 of 3 masters unreachable");

    for (int round = 3; round < 6; round++) {
      h.master(0, t(10 * round), healthyMasterMetrics(true), true);
      h.masterFailed(1, t(10 * round));
      h.masterFailed(2, t(10 * round));
    }
    assertThat(h.stateOf(CLUSTER)).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(h.latest(CLUSTER).getReasons().get(0).getMessage())
        .isEqualTo("2 of 3 masters unreachable: quorum lost");
  }

  @Test
  void theLeadersReasonsBecomeTheClusters() {
    for (int round = 0; round < 4; round++) {
      h.master(
          0,
          t(10 * round),
          with(
              healthyMasterMetrics(true),
              "mesos.registrar.state_store_ms.p99",
              3000,
              "mesos.cluster.slaves_disconnected",
              2),
          true);
      h.master(1, t(10 * round), healthyMasterMetrics(false), false);
      h.master(2, t(10 * round), healthyMasterMetrics(false), false);
    }

    assertThat(h.stateOf(CLUSTER)).isEqualTo(HealthStatus.DEGRADED);
    assertThat(h.latest(CLUSTER).getReasons())
        .extracting(HealthReason::getMessage)
        .contains(
            "Leader 10.0.1.1: Registry writes take 3000 ms at p99 (limit 1000 ms)",
            "Leader 10.0.1.1: 2 of 102 registered agent(s) (2%) disconnected from the master");
  }

  @Test
  void theShareOfSickAgentsDegradesAtTenPercentAndBreaksAtThirty() {
    healthyAgents(10, 0);
    h.mastersRound(t(1));
    for (int s = 10; s <= 20; s += 10) {
      h.agentFailed("S0", t(s), Outcome.UNREACHABLE, 100, 1);
    }
    h.mastersRound(t(21));
    h.mastersRound(t(31));
    assertThat(h.stateOf("S0")).isEqualTo(HealthStatus.UNREACHABLE);
    assertThat(h.stateOf(CLUSTER)).isEqualTo(HealthStatus.DEGRADED);
    assertThat(h.latest(CLUSTER).getReasons().get(0).getMessage())
        .isEqualTo("1 of 10 agents (10%) UNHEALTHY or UNREACHABLE");

    for (int s = 40; s <= 50; s += 10) {
      h.agent("S1", t(s), with(healthyAgentMetrics(), "mesos.stats.registered", 0));
      h.agent("S2", t(s), with(healthyAgentMetrics(), "mesos.stats.registered", 0));
    }
    h.mastersRound(t(51));
    h.mastersRound(t(61));
    assertThat(h.stateOf(CLUSTER)).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(h.latest(CLUSTER).getReasons().get(0).getMessage())
        .isEqualTo("3 of 10 agents (30%) UNHEALTHY or UNREACHABLE");
  }

  @Test
  void aBlindCollectorFlipsNoAgentAndTheClusterSaysWhy() {
    healthyAgents(10, 0);
    h.mastersRound(t(1));
    for (int round = 1; round <= 4; round++) {
      for (int i = 0; i < 10; i++) {
        h.agentFailed("S" + i, t(10 * round), Outcome.TIMEOUT, 10, 10);
      }
      for (int m = 0; m < 3; m++) {
        h.master(
            m,
            t(10 * round + 1),
            healthyMasterMetrics(m == 0),
            m == 0,
            new dev.mesoshealth.events.CollectorRef("c1", "0/1", 10, 10, 3));
      }
    }

    for (int i = 0; i < 10; i++) {
      assertThat(h.stateOf("S" + i)).as("agent S%d", i).isEqualTo(HealthStatus.HEALTHY);
    }
    assertThat(h.stateOf(CLUSTER)).isEqualTo(HealthStatus.DEGRADED);
    HealthReason why = h.latest(CLUSTER).getReasons().get(0);
    assertThat(why.getRule()).isEqualTo("cluster.collector-suspect");
    assertThat(why.getMessage()).startsWith("Collector c1 cannot reach 10 of its 10 agents");
  }

  @Test
  void drainingAndGoneAgentsDoNotCountAsSick() {
    healthyAgents(4, 0);
    h.agentListed("S0", t(2), true, true, "DRAINING");
    h.agentListed("S1", t(2), true, false, null);
    h.agentLeft("S1", t(3));
    h.mastersRound(t(5));
    h.mastersRound(t(15));

    assertThat(h.stateOf(CLUSTER)).isEqualTo(HealthStatus.HEALTHY);
    assertThat(h.latest(CLUSTER).getReasons()).isEmpty();
  }

  @Test
  void noMasterSnapshotForThreeIntervalsMakesTheClusterUnknown() {
    h.mastersRound(t(0));
    h.mastersRound(t(0));
    assertThat(h.stateOf(CLUSTER)).isEqualTo(HealthStatus.HEALTHY);

    h.passWallTime(Duration.ofSeconds(45));

    assertThat(h.stateOf(CLUSTER)).isEqualTo(HealthStatus.UNKNOWN);
    assertThat(h.latest(CLUSTER).getReasons().get(0).getRule()).isEqualTo("cluster.stale");
  }

  @Test
  void aClusterReadFromABacklogIsNotUnknown() {
    h.driver.advanceWallClockTime(Duration.ofMinutes(5)); // the records are five minutes old
    for (int s = 0; s <= 60; s += 10) {
      h.mastersRound(t(s));
      h.driver.advanceWallClockTime(Duration.ofSeconds(10));
    }
    assertThat(h.transitionPath(CLUSTER)).containsExactly("UNKNOWN>HEALTHY");

    h.passWallTime(Duration.ofSeconds(45));
    assertThat(h.stateOf(CLUSTER)).isEqualTo(HealthStatus.UNKNOWN);
  }

  @Test
  void aBacklogWhoseAgentsAreReadAheadOfItsMastersIsNotUnknown() {
    h.driver.advanceWallClockTime(Duration.ofMinutes(5)); // the records are five minutes old
    h.mastersRound(t(0));
    h.mastersRound(t(0));
    // the tasks upstream catch up at their own pace: the agents' signals of 40 s later arrive
    // before the masters' of the same time
    healthyAgents(10, 40);
    h.driver.advanceWallClockTime(Duration.ofSeconds(10));
    h.mastersRound(t(40));

    assertThat(h.transitionPath(CLUSTER)).containsExactly("UNKNOWN>HEALTHY");
  }
}
