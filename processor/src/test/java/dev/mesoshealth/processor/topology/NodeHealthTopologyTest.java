package dev.mesoshealth.processor.topology;

import static dev.mesoshealth.processor.topology.TopologyHarness.healthyAgentMetrics;
import static dev.mesoshealth.processor.topology.TopologyHarness.healthyMasterMetrics;
import static dev.mesoshealth.processor.topology.TopologyHarness.t;
import static dev.mesoshealth.processor.topology.TopologyHarness.with;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mesoshealth.events.HealthReason;
import dev.mesoshealth.events.HealthState;
import dev.mesoshealth.events.HealthStatus;
import dev.mesoshealth.events.Outcome;
import java.time.Duration;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every node rule enters, holds and recovers with hysteresis (K=2, M=3). */
class NodeHealthTopologyTest {
  private final TopologyHarness h = new TopologyHarness();

  @AfterEach
  void close() {
    h.close();
  }

  @Test
  void aHealthyAgentBecomesHealthyAtOnceAndStaysQuiet() {
    for (int i = 0; i < 5; i++) {
      h.agent("S1", t(10 * i), healthyAgentMetrics());
    }

    assertThat(h.transitionPath("S1")).containsExactly("UNKNOWN>HEALTHY");
    assertThat(h.stateLog)
        .filteredOn(r -> r.key().equals("S1"))
        .as("one state record: nothing changed after the first")
        .hasSize(1);
    HealthState s = h.latest("S1");
    assertThat(s.getReasons()).isEmpty();
    assertThat(s.getSince()).isEqualTo(t(0));
    assertThat(s.getLastSnapshotAt()).isEqualTo(t(0));
    assertThat(s.getNode().getHostname()).isEqualTo("host-S1");
  }

  @Test
  void failedPollsMakeAnAgentUnreachableAfterKAndItRecoversAfterM() {
    h.agent("S1", t(0), healthyAgentMetrics());
    h.agentFailed("S1", t(10), Outcome.UNREACHABLE, 100, 1);
    assertThat(h.stateOf("S1")).as("one failed poll is not enough").isEqualTo(HealthStatus.HEALTHY);

    h.agentFailed("S1", t(20), Outcome.TIMEOUT, 100, 1);
    assertThat(h.stateOf("S1")).isEqualTo(HealthStatus.UNREACHABLE);
    HealthReason why = h.latest("S1").getReasons().get(0);
    assertThat(why.getRule()).isEqualTo("poll.failed");
    assertThat(why.getObserved()).isEqualTo(2.0);
    assertThat(why.getThreshold()).isEqualTo(2.0);
    assertThat(why.getMessage()).isEqualTo("2 poll(s) in a row failed: connection refused");

    h.agent("S1", t(30), healthyAgentMetrics());
    h.agent("S1", t(40), healthyAgentMetrics());
    assertThat(h.stateOf("S1"))
        .as("two good polls are not enough to leave")
        .isEqualTo(HealthStatus.UNREACHABLE);
    h.agent("S1", t(50), healthyAgentMetrics());

    assertThat(h.stateOf("S1")).isEqualTo(HealthStatus.HEALTHY);
    assertThat(h.transitionPath("S1"))
        .containsExactly("UNKNOWN>HEALTHY", "HEALTHY>UNREACHABLE", "UNREACHABLE>HEALTHY");
    assertThat(h.transitionsOf("S1").get(1).getAt()).isEqualTo(t(20));
  }

  @Test
  void aSingleGoodPollInsideABadRunRestartsTheCount() {
    h.agent("S1", t(0), healthyAgentMetrics());
    h.agentFailed("S1", t(10), Outcome.UNREACHABLE, 100, 1);
    h.agent("S1", t(20), healthyAgentMetrics());
    h.agentFailed("S1", t(30), Outcome.UNREACHABLE, 100, 1);

    assertThat(h.stateOf("S1")).isEqualTo(HealthStatus.HEALTHY);
  }

  @Test
  void invalidAnswersCountAsBad() {
    h.agent("S1", t(0), healthyAgentMetrics());
    h.agentFailed("S1", t(10), Outcome.INVALID, 100, 0);
    h.agentFailed("S1", t(20), Outcome.INVALID, 100, 0);

    assertThat(h.stateOf("S1")).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(h.latest("S1").getReasons().get(0).getRule()).isEqualTo("poll.invalid");
  }

  static Stream<Arguments> agentRules() {
    Map<String, Double> ok = healthyAgentMetrics();
    return Stream.of(
        Arguments.of(
            "agent.unregistered",
            HealthStatus.UNHEALTHY,
            (IntFunction<Map<String, Double>>) i -> with(ok, "mesos.stats.registered", 0)),
        Arguments.of(
            "agent.recovery-errors",
            HealthStatus.DEGRADED,
            (IntFunction<Map<String, Double>>) i -> with(ok, "mesos.slave.recovery_errors", 2)),
        Arguments.of(
            "agent.task-failures",
            HealthStatus.DEGRADED,
            (IntFunction<Map<String, Double>>)
                i ->
                    with(
                        ok,
                        "mesos.slave.tasks_failed",
                        10 + 3 * i,
                        "mesos.slave.tasks_lost",
                        1 + i)),
        Arguments.of(
            "agent.launch-errors",
            HealthStatus.DEGRADED,
            (IntFunction<Map<String, Double>>)
                i -> with(ok, "mesos.slave.container_launch_errors", 2 * i)),
        Arguments.of(
            "agent.load",
            HealthStatus.DEGRADED,
            (IntFunction<Map<String, Double>>) i -> with(ok, "mesos.stats.system.load_5min", 17)),
        Arguments.of(
            "agent.memory",
            HealthStatus.DEGRADED,
            (IntFunction<Map<String, Double>>)
                i -> with(ok, "mesos.stats.system.mem_free_bytes", 1e9)),
        Arguments.of(
            "agent.executors-terminating",
            HealthStatus.DEGRADED,
            (IntFunction<Map<String, Double>>)
                i -> with(ok, "mesos.slave.executors_terminating", 7)));
  }

  static Stream<Arguments> leaderRules() {
    Map<String, Double> ok = healthyMasterMetrics(true);
    return Stream.of(
        Arguments.of(
            "master.task-storm",
            // 30 failed and 10 finished a poll: 75 % of what ends fails
            (IntFunction<Map<String, Double>>)
                i ->
                    with(
                        ok,
                        "mesos.cluster.tasks_failed",
                        10 + 30 * i,
                        "mesos.cluster.tasks_finished",
                        1000 + 10 * i)),
        Arguments.of(
            "master.offers-backlog",
            (IntFunction<Map<String, Double>>)
                i -> with(ok, "mesos.cluster.outstanding_offers", 500)),
        Arguments.of(
            "master.agents-disconnected",
            (IntFunction<Map<String, Double>>)
                i ->
                    with(
                        ok,
                        "mesos.cluster.slaves_disconnected",
                        20,
                        "mesos.cluster.slaves_connected",
                        80)),
        Arguments.of(
            "master.frameworks-inactive",
            (IntFunction<Map<String, Double>>)
                i -> with(ok, "mesos.cluster.frameworks_inactive", 1)),
        Arguments.of(
            "master.registry-size",
            (IntFunction<Map<String, Double>>)
                i -> with(ok, "mesos.registrar.registry_size_bytes", 2e8)),
        Arguments.of(
            "master.load",
            (IntFunction<Map<String, Double>>) i -> with(ok, "mesos.stats.system.load_5min", 9)));
  }

  /** The leader's own and cluster-wide rules: DEGRADED after K, back after M calm polls. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("leaderRules")
  void leaderRuleEntersAndRecovers(String rule, IntFunction<Map<String, Double>> bad) {
    String id = TopologyHarness.MASTERS.get(0);
    h.master(0, t(0), healthyMasterMetrics(true), true);
    for (int i = 1; i <= 3; i++) {
      h.master(0, t(10 * i), bad.apply(i), true);
    }
    assertThat(h.stateOf(id)).as(rule).isEqualTo(HealthStatus.DEGRADED);
    HealthReason reason =
        h.latest(id).getReasons().stream()
            .filter(r -> r.getRule().equals(rule))
            .findFirst()
            .orElseThrow();
    assertThat(reason.getSeverity()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(reason.getMetric()).startsWith("mesos.");
    assertThat(reason.getObserved()).isNotNull();
    assertThat(reason.getThreshold()).isNotNull();
    assertThat(reason.getMessage()).isNotBlank();

    // calm again: the counters stand where they got to, so the storm's window runs out
    Map<String, Double> calm = new java.util.HashMap<>(healthyMasterMetrics(true));
    calm.put("mesos.cluster.tasks_failed", bad.apply(3).get("mesos.cluster.tasks_failed"));
    calm.put("mesos.cluster.tasks_finished", bad.apply(3).get("mesos.cluster.tasks_finished"));
    for (int i = 4; i <= 40; i++) {
      h.master(0, t(10 * i), calm, true);
    }
    assertThat(h.stateOf(id)).as("%s recovers", rule).isEqualTo(HealthStatus.HEALTHY);
  }

  @Test
  void aFewTaskFailuresInABusyClusterAreNoStormNorIsAQuietClustersFirstFailure() {
    String id = TopologyHarness.MASTERS.get(0);
    h.master(0, t(0), healthyMasterMetrics(true), true);
    for (int i = 1; i <= 6; i++) {
      // busy: 100 tasks end a poll, 5 of them failed (5 %)
      h.master(
          0,
          t(10 * i),
          with(
              healthyMasterMetrics(true),
              "mesos.cluster.tasks_failed",
              10 + 5 * i,
              "mesos.cluster.tasks_finished",
              1000 + 95 * i),
          true);
    }
    for (int i = 7; i <= 9; i++) {
      // quiet: the only tasks that end fail, but there are 3 of them
      h.master(
          0,
          t(10 * i),
          with(
              healthyMasterMetrics(true),
              "mesos.cluster.tasks_failed",
              40 + i - 6,
              "mesos.cluster.tasks_finished",
              1570),
          true);
    }
    assertThat(h.transitionPath(id)).containsExactly("UNKNOWN>HEALTHY");
  }

  /** Enters after K bad snapshots, holds while bad, leaves after M good ones. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("agentRules")
  void agentRuleEntersHoldsAndRecovers(
      String rule, HealthStatus state, IntFunction<Map<String, Double>> bad) {
    h.agent("S1", t(0), healthyAgentMetrics());
    for (int i = 1; i <= 4; i++) {
      h.agent("S1", t(10 * i), bad.apply(i));
      if (i == 1) {
        assertThat(h.stateOf("S1"))
            .as("%s after one bad snapshot", rule)
            .isEqualTo(HealthStatus.HEALTHY);
      }
    }
    assertThat(h.stateOf("S1")).as(rule).isEqualTo(state);
    HealthReason reason =
        h.latest("S1").getReasons().stream()
            .filter(r -> r.getRule().equals(rule))
            .findFirst()
            .orElseThrow();
    assertThat(reason.getSeverity()).isEqualTo(state);
    assertThat(reason.getMetric()).startsWith("mesos.");
    assertThat(reason.getObserved()).isNotNull();
    assertThat(reason.getThreshold()).isNotNull();
    assertThat(reason.getMessage()).isNotBlank();

    Map<String, Double> calm =
        with(
            bad.apply(4),
            "mesos.stats.registered",
            1,
            "mesos.slave.recovery_errors",
            0,
            "mesos.stats.system.load_5min",
            1.5,
            "mesos.stats.system.mem_free_bytes",
            8e9,
            "mesos.slave.executors_terminating",
            0);
    for (int i = 5; i <= 50; i++) {
      h.agent("S1", t(10 * i + 400), calm);
    }
    assertThat(h.stateOf("S1")).as("%s recovers", rule).isEqualTo(HealthStatus.HEALTHY);
    assertThat(h.transitionPath("S1"))
        .containsExactly("UNKNOWN>HEALTHY", "HEALTHY>" + state, state + ">HEALTHY");
  }

  @Test
  void anAgentReregisteringAfterAFailoverStaysHealthyAndSaysWhy() {
    h.agentListed("S1", t(0), true, false, null);
    h.agent("S1", t(1), healthyAgentMetrics());
    // the leader fails over: the new one lists S1 under recovered_slaves, and S1, having seen a
    // new leader, is disconnected until it re-registers (slave/registered 0)
    h.agentRecovering("S1", t(5));
    for (int i = 1; i <= 6; i++) {
      h.agent("S1", t(10 * i), with(healthyAgentMetrics(), "mesos.stats.registered", 0));
    }
    assertThat(h.stateOf("S1")).isEqualTo(HealthStatus.HEALTHY);
    assertThat(h.latest("S1").getReasons())
        .extracting(HealthReason::getRule)
        .containsExactly("agent.reregistering");

    h.agentListed("S1", t(65), true, false, null);
    h.agent("S1", t(70), healthyAgentMetrics());
    assertThat(h.latest("S1").getReasons()).isEmpty();
    assertThat(h.transitionPath("S1")).containsExactly("UNKNOWN>HEALTHY");

    // the same disconnection without a failover to explain it is a fault
    for (int i = 8; i <= 10; i++) {
      h.agent("S1", t(10 * i), with(healthyAgentMetrics(), "mesos.stats.registered", 0));
    }
    assertThat(h.stateOf("S1")).isEqualTo(HealthStatus.UNHEALTHY);
  }

  @Test
  void anAgentTheNewLeaderNeverHearsFromIsGoneWhenItIsRemoved() {
    h.agentListed("S1", t(0), true, false, null);
    h.agent("S1", t(1), healthyAgentMetrics());
    h.agentRecovering("S1", t(5));
    h.agentLeft("S1", t(600));
    assertThat(h.stateOf("S1")).isEqualTo(HealthStatus.GONE);
  }

  @Test
  void anAgentCutOffFromTheMasterButAnsweringIsDegradedWithTheMastersVerdict() {
    h.agentListed("S1", t(0), true, false, null);
    h.agent("S1", t(1), healthyAgentMetrics());
    // a partition: 75 s later the master marks it unreachable; it misses the master's pings too
    h.agentUnlisted("S1", t(76), t(76));
    for (int i = 8; i <= 11; i++) {
      h.agent("S1", t(10 * i), with(healthyAgentMetrics(), "mesos.stats.registered", 0));
    }

    assertThat(h.stateOf("S1")).isEqualTo(HealthStatus.DEGRADED);
    assertThat(h.latest("S1").getReasons())
        .extracting(HealthReason::getRule)
        .containsExactly("agent.marked-unreachable");
    assertThat(h.latest("S1").getReasons().get(0).getMessage())
        .contains("not in /master/slaves since " + t(76));

    // the partition heals: it re-registers and is listed again
    h.agentListed("S1", t(120), true, false, null);
    for (int i = 13; i <= 15; i++) {
      h.agent("S1", t(10 * i), healthyAgentMetrics());
    }
    assertThat(h.transitionPath("S1"))
        .containsExactly("UNKNOWN>HEALTHY", "HEALTHY>DEGRADED", "DEGRADED>HEALTHY");
  }

  @Test
  void anAgentTheMasterMarksUnreachableAfterWeLostItIsUnhealthyEvenWhenTheCollectorIsSuspect() {
    h.agentListed("S1", t(0), true, false, null);
    h.agent("S1", t(1), healthyAgentMetrics());
    for (int i = 1; i <= 7; i++) {
      h.agentFailed("S1", t(10 * i), Outcome.UNREACHABLE, 100, 1);
    }
    assertThat(h.stateOf("S1")).isEqualTo(HealthStatus.UNREACHABLE);
    h.agentUnlisted("S1", t(76), t(76));
    // even a collector failing most of its agents cannot hide what the master confirms
    h.agentFailed("S1", t(80), Outcome.UNREACHABLE, 100, 90);
    h.agentFailed("S1", t(90), Outcome.UNREACHABLE, 100, 90);

    assertThat(h.stateOf("S1"))
        .as("not GONE: it was lost before it left the list")
        .isEqualTo(HealthStatus.UNREACHABLE);
    assertThat(h.latest("S1").getReasons())
        .extracting(HealthReason::getRule, HealthReason::getSeverity)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("poll.failed", HealthStatus.UNREACHABLE),
            org.assertj.core.groups.Tuple.tuple(
                "agent.marked-unreachable", HealthStatus.UNHEALTHY));
  }

  @Test
  void anAgentThatLeavesTheListAndStopsAnsweringHasShutDownAndIsGone() {
    h.agentListed("S1", t(0), true, false, null);
    h.agent("S1", t(1), healthyAgentMetrics());
    h.agentUnlisted("S1", t(5), t(5));
    assertThat(h.stateOf("S1")).isEqualTo(HealthStatus.HEALTHY);
    h.agentFailed("S1", t(11), Outcome.UNREACHABLE, 100, 1);
    // every inventory round still publishes it, unlisted, until its retention ends
    h.agentUnlisted("S1", t(5), t(35));
    h.agentFailed("S1", t(41), Outcome.UNREACHABLE, 100, 1);
    h.agentUnlisted("S1", t(5), t(65));

    assertThat(h.stateOf("S1")).isEqualTo(HealthStatus.GONE);
    assertThat(h.transitionPath("S1")).containsExactly("UNKNOWN>HEALTHY", "HEALTHY>GONE");

    // or it stopped answering a moment before the round that saw it leave: the same
    h.agentListed("S2", t(0), true, false, null);
    h.agent("S2", t(1), healthyAgentMetrics());
    h.agentFailed("S2", t(11), Outcome.UNREACHABLE, 100, 1);
    h.agentUnlisted("S2", t(12), t(12));
    assertThat(h.transitionPath("S2")).containsExactly("UNKNOWN>HEALTHY", "HEALTHY>GONE");

    // and comes back as it was: listed again
    h.agentListed("S1", t(300), true, false, null);
    h.agent("S1", t(301), healthyAgentMetrics());
    assertThat(h.stateOf("S1")).isEqualTo(HealthStatus.HEALTHY);
  }

  @Test
  void anAgentInAMaintenanceWindowDrainsBeforeItIsExpectedAwayDuringItAndIsBackAfter() {
    h.agentListed("S1", t(0), true, false, null);
    h.agent("S1", t(1), healthyAgentMetrics());
    // scheduled an hour ahead: DRAINING at once, so load balancers move traffic off before it
    h.agentInMaintenance("S1", "DRAINING", t(3600), t(7200), t(10));
    assertThat(h.stateOf("S1")).isEqualTo(HealthStatus.DRAINING);
    assertThat(h.latest("S1").getReasons().get(0).getRule()).isEqualTo("agent.maintenance");
    assertThat(h.latest("S1").getReasons().get(0).getMessage())
        .contains("scheduled for maintenance (window " + t(3600) + " to " + t(7200) + ")");

    // DOWN: its agent shuts down and leaves /master/slaves; its polls fail: expected
    h.agentInMaintenance("S1", "DOWN", t(3600), t(7200), t(3600));
    for (int i = 1; i <= 5; i++) {
      h.agentFailed("S1", t(3600 + 10 * i), Outcome.UNREACHABLE, 100, 1);
      h.agentInMaintenance("S1", "DOWN", t(3600), t(7200), t(3600 + 10 * i));
    }
    assertThat(h.stateOf("S1")).isEqualTo(HealthStatus.DRAINING);
    assertThat(h.latest("S1").getReasons().get(0).getMessage()).contains("DOWN for maintenance");

    // UP: it registers again, out of the schedule
    h.agentListed("S1", t(4000), true, false, null);
    for (int i = 1; i <= 3; i++) {
      h.agent("S1", t(4000 + 10 * i), healthyAgentMetrics());
    }
    assertThat(h.stateOf("S1")).isEqualTo(HealthStatus.HEALTHY);
    assertThat(h.transitionPath("S1"))
        .containsExactly(
            "UNKNOWN>HEALTHY", "HEALTHY>DRAINING", "DRAINING>UNKNOWN", "UNKNOWN>HEALTHY");
  }

  @Test
  void taskFailuresCountOnlyTheLastFiveMinutes() {
    h.agent("S1", t(0), healthyAgentMetrics());
    h.agent("S1", t(10), with(healthyAgentMetrics(), "mesos.slave.tasks_failed", 13));
    h.agent("S1", t(400), with(healthyAgentMetrics(), "mesos.slave.tasks_failed", 15));
    h.agent("S1", t(410), with(healthyAgentMetrics(), "mesos.slave.tasks_failed", 15));

    assertThat(h.stateOf("S1"))
        .as("3 then 2 failures, six minutes apart")
        .isEqualTo(HealthStatus.HEALTHY);
  }

  @Test
  void aCounterThatGoesDownIsAResetNotAnAlarm() {
    h.agent(
        "S1",
        t(0),
        with(
            healthyAgentMetrics(),
            "mesos.slave.tasks_failed",
            5000,
            "mesos.slave.container_launch_errors",
            900));
    for (int i = 1; i <= 5; i++) {
      h.agent(
          "S1",
          t(10 * i),
          with(
              healthyAgentMetrics(),
              "mesos.slave.tasks_failed",
              0,
              "mesos.slave.container_launch_errors",
              0));
    }

    assertThat(h.transitionPath("S1")).containsExactly("UNKNOWN>HEALTHY");
    assertThat(h.latest("S1").getReasons()).isEmpty();
  }

  @Test
  void partialSnapshotsAreNotZeros() {
    h.agent("S1", t(0), healthyAgentMetrics());
    Map<String, Double> partial =
        with(
            healthyAgentMetrics(),
            "mesos.stats.registered",
            null,
            "mesos.slave.tasks_failed",
            null,
            "mesos.stats.system.mem_free_bytes",
            null);
    for (int i = 1; i <= 4; i++) {
      h.snapshots.pipeInput(
          "S1",
          TopologyHarness.snapshot(
              "S1",
              dev.mesoshealth.events.NodeRole.AGENT,
              t(10 * i),
              Outcome.PARTIAL,
              partial,
              null,
              null),
          t(10 * i));
    }

    assertThat(h.stateOf("S1")).isEqualTo(HealthStatus.HEALTHY);
  }

  @Test
  void mastersHaveTheirOwnRules() {
    Map<String, Double> leader = healthyMasterMetrics(true);
    h.master(0, t(0), leader, true);
    h.master(
        0,
        t(10),
        with(
            leader,
            "mesos.registrar.state_store_ms.p99",
            2500,
            "mesos.cluster.frameworks_disconnected",
            1),
        true);
    h.master(
        0,
        t(20),
        with(
            leader,
            "mesos.registrar.state_store_ms.p99",
            2600,
            "mesos.cluster.frameworks_disconnected",
            1,
            "mesos.cluster.event_queue_messages",
            4000),
        true);

    String id = TopologyHarness.MASTERS.get(0);
    assertThat(h.stateOf(id)).isEqualTo(HealthStatus.DEGRADED);
    assertThat(h.latest(id).getReasons())
        .extracting(HealthReason::getRule)
        .containsExactly(
            "master.registrar-latency", "master.event-queue", "master.frameworks-disconnected");
  }

  @Test
  void droppedMessagesRisingDegradeAMaster() {
    String id = TopologyHarness.MASTERS.get(0);
    h.master(0, t(0), healthyMasterMetrics(true), true);
    h.master(
        0, t(10), with(healthyMasterMetrics(true), "mesos.cluster.dropped_messages", 20), true);
    h.master(
        0, t(20), with(healthyMasterMetrics(true), "mesos.cluster.dropped_messages", 40), true);

    assertThat(h.stateOf(id)).isEqualTo(HealthStatus.DEGRADED);
    assertThat(h.latest(id).getReasons().get(0).getObserved()).isEqualTo(20.0);
  }

  @Test
  void aMasterRestartingTwiceInTenMinutesIsFlapping() {
    String id = TopologyHarness.MASTERS.get(1);
    h.master(1, t(0), with(healthyMasterMetrics(false), "mesos.stats.uptime_secs", 5000), false);
    h.master(1, t(10), with(healthyMasterMetrics(false), "mesos.stats.uptime_secs", 3), false);
    h.master(1, t(20), with(healthyMasterMetrics(false), "mesos.stats.uptime_secs", 13), false);
    assertThat(h.stateOf(id)).as("one restart is not flapping").isEqualTo(HealthStatus.HEALTHY);

    h.master(1, t(30), with(healthyMasterMetrics(false), "mesos.stats.uptime_secs", 2), false);
    h.master(1, t(40), with(healthyMasterMetrics(false), "mesos.stats.uptime_secs", 12), false);

    assertThat(h.stateOf(id)).isEqualTo(HealthStatus.DEGRADED);
    assertThat(h.latest(id).getReasons().get(0).getRule()).isEqualTo("master.flapping");
  }

  @Test
  void aFewDisconnectedAgentsAreANoteOnTheLeaderNotAFault() {
    String id = TopologyHarness.MASTERS.get(0);
    h.master(
        0, t(0), with(healthyMasterMetrics(true), "mesos.cluster.slaves_disconnected", 3), true);

    assertThat(h.stateOf(id)).isEqualTo(HealthStatus.HEALTHY);
    HealthReason note = h.latest(id).getReasons().get(0);
    assertThat(note.getRule()).isEqualTo("master.agents-disconnected");
    assertThat(note.getSeverity()).isEqualTo(HealthStatus.HEALTHY);
    assertThat(note.getMessage())
        .isEqualTo("3 of 103 registered agent(s) (3%) disconnected from the master");
  }

  @Test
  void aSilentNodeBecomesUnknownByWallClockEvenWithNoOtherRecord() {
    h.agent("S1", t(0), healthyAgentMetrics());
    h.driver.advanceWallClockTime(Duration.ofSeconds(20));
    assertThat(h.stateOf("S1")).isEqualTo(HealthStatus.HEALTHY);

    h.driver.advanceWallClockTime(Duration.ofSeconds(20));

    assertThat(h.stateOf("S1")).isEqualTo(HealthStatus.UNKNOWN);
    assertThat(h.latest("S1").getReasons().get(0).getRule()).isEqualTo("node.stale");
    h.agent("S1", t(45), healthyAgentMetrics());
    assertThat(h.transitionPath("S1"))
        .containsExactly("UNKNOWN>HEALTHY", "HEALTHY>UNKNOWN", "UNKNOWN>HEALTHY");
  }

  @Test
  void aProcessorBehindItsInputJudgesSilenceByTheInputsOwnTime() {
    // the processor was down for five minutes: the records it now reads are that old
    h.driver.advanceWallClockTime(Duration.ofMinutes(5));
    h.agent("S2", t(0), healthyAgentMetrics()); // S2 goes silent after its first poll
    for (int s = 0; s <= 60; s += 10) {
      h.agent("S1", t(s), healthyAgentMetrics());
      h.driver.advanceWallClockTime(Duration.ofSeconds(10)); // a clock check between records
    }

    assertThat(h.transitionPath("S1"))
        .as("no wall-clock verdict on a node that is polled in every round of the backlog")
        .containsExactly("UNKNOWN>HEALTHY");
    assertThat(h.transitionPath("S2"))
        .as("silent in the input's own time")
        .containsExactly("UNKNOWN>HEALTHY", "HEALTHY>UNKNOWN");
    assertThat(h.latest("S2").getSince()).isEqualTo(t(40));

    // the backlog is read and nothing new comes: now the wall clock speaks
    h.driver.advanceWallClockTime(Duration.ofSeconds(11));
    assertThat(h.stateOf("S1")).isEqualTo(HealthStatus.UNKNOWN);
  }

  @Test
  void inventoryMakesAgentsInactiveDrainingAndGone() {
    h.agentListed("S1", t(0), true, false, null);
    h.agent("S1", t(1), healthyAgentMetrics());
    h.agentListed("S1", t(5), false, false, null);
    h.agent("S1", t(11), healthyAgentMetrics());
    h.agent("S1", t(21), healthyAgentMetrics());
    assertThat(h.stateOf("S1")).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(h.latest("S1").getReasons().get(0).getRule()).isEqualTo("agent.inactive");

    h.agentListed("S1", t(30), true, true, "DRAINING");
    assertThat(h.stateOf("S1")).as("draining is planned: at once").isEqualTo(HealthStatus.DRAINING);
    h.agentFailed("S1", t(31), Outcome.UNREACHABLE, 100, 1);
    h.agentFailed("S1", t(41), Outcome.UNREACHABLE, 100, 1);
    assertThat(h.stateOf("S1"))
        .as("a draining agent stays DRAINING")
        .isEqualTo(HealthStatus.DRAINING);

    h.agentLeft("S1", t(50));
    assertThat(h.stateOf("S1")).isEqualTo(HealthStatus.GONE);
    assertThat(h.transitionPath("S1")).endsWith("UNHEALTHY>DRAINING", "DRAINING>GONE");
  }

  @Test
  void anInventoryRoundThatChangesNothingWritesNoState() {
    org.apache.kafka.streams.TestOutputTopic<byte[], byte[]> changelog =
        h.driver.createOutputTopic(
            "health-test-" + StoreNames.NODE_HEALTH + "-changelog",
            new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
            new org.apache.kafka.common.serialization.ByteArrayDeserializer());
    h.agentListed("S1", t(0), true, false, null);
    h.agent("S1", t(1), healthyAgentMetrics());
    changelog.readValuesToList();

    // every round lists every agent; most are as they were
    h.agentListed("S1", t(30), true, false, null);
    assertThat(changelog.isEmpty()).isTrue();

    h.agentListed("S1", t(60), true, true, "DRAINING");
    assertThat(changelog.readValuesToList()).hasSize(1);
  }

  @Test
  void goneNodesAreForgottenAfterTheirRetention() {
    h.agentListed("S1", t(0), true, false, null);
    h.agent("S1", t(1), healthyAgentMetrics());
    h.agentLeft("S1", t(2));

    h.passWallTime(Duration.ofMinutes(61));

    h.drain();
    assertThat(h.stateLog.get(h.stateLog.size() - 1).value())
        .as("a tombstone removes it from the compacted topic")
        .isNull();
    assertThat(h.driver.<String, Object>getKeyValueStore(StoreNames.NODE_HEALTH).get("S1"))
        .isNull();
  }

  @Test
  void anAgentBackFromDrainingGoesBackToWhatItsSnapshotsSay() {
    h.agentListed("S1", t(0), true, false, null);
    h.agent("S1", t(1), healthyAgentMetrics());
    h.agentListed("S1", t(5), true, true, null);
    h.agentListed("S1", t(35), true, false, null);

    assertThat(h.transitionPath("S1"))
        .containsExactly("UNKNOWN>HEALTHY", "HEALTHY>DRAINING", "DRAINING>HEALTHY");
  }

  @Test
  void historyIsKeptAsOneMinuteSummaries() {
    for (int i = 0; i < 12; i++) {
      if (i == 7 || i == 8) {
        h.agentFailed("S1", t(10 * i), Outcome.UNREACHABLE, 100, 1);
      } else {
        h.agent("S1", t(10 * i), healthyAgentMetrics());
      }
    }
    var store =
        h.driver.<String, dev.mesoshealth.processor.health.NodeMinute>getWindowStore(
            StoreNames.NODE_MINUTES);
    var first = store.fetch("S1", t(0).toEpochMilli());
    assertThat(store.fetch("S1", t(60).toEpochMilli()))
        .as("a minute in progress stays in the node's memory")
        .isNull();
    var second =
        h.driver
            .<String, dev.mesoshealth.processor.health.NodeMemory>getKeyValueStore(
                StoreNames.NODE_HEALTH)
            .get("S1")
            .minute();
    h.agent("S1", t(120), healthyAgentMetrics());
    assertThat(store.fetch("S1", t(60).toEpochMilli()))
        .as("written once it is over")
        .isEqualTo(second);

    assertThat(first.evaluations()).isEqualTo(6);
    assertThat(first.worst()).isEqualTo(HealthStatus.HEALTHY);
    assertThat(second.evaluations()).isEqualTo(6);
    assertThat(second.worst()).isEqualTo(HealthStatus.UNREACHABLE);
    assertThat(second.failedPolls()).isEqualTo(2);
    assertThat(second.ruleHits()).containsEntry("poll.failed", 2);
    assertThat(second.gauges()).containsEntry("mesos.slave.cpus_percent", 0.4);
  }
}
