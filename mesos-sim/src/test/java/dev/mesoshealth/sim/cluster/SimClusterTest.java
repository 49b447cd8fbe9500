package dev.mesoshealth.sim.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mesoshealth.sim.MutableClock;
import dev.mesoshealth.sim.SimConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SimClusterTest {
  private static final Instant START = Instant.parse("2026-11-25T10:00:00Z");
  private static final List<String> AGENT_COUNTERS =
      List.of(
          "slave/tasks_finished",
          "slave/tasks_failed",
          "slave/tasks_killed",
          "slave/tasks_lost",
          "slave/executors_terminated",
          "slave/valid_status_updates",
          "slave/container_launch_errors",
          "slave/uptime_secs");
  private static final List<String> MASTER_COUNTERS =
      List.of(
          "master/tasks_finished",
          "master/tasks_failed",
          "master/tasks_killed",
          "master/tasks_lost",
          "master/valid_status_updates",
          "master/dropped_messages",
          "master/uptime_secs");

  private static final ObjectMapper JSON = new ObjectMapper();
  private final MutableClock clock = new MutableClock(START);

  private SimCluster cluster(long seed, int agents) {
    return new SimCluster(SimConfig.forTests(3, agents, seed), clock);
  }

  private void advance(SimCluster c, Duration d) {
    clock.advance(d);
    c.tick();
  }

  @Test
  void sameSeedSameTicksSameFaultsGiveTheSameCluster() {
    List<String> first = run(7);
    List<String> second = run(7);
    List<String> other = run(8);

    assertThat(second).isEqualTo(first);
    assertThat(other).isNotEqualTo(first);
  }

  private List<String> run(long seed) {
    MutableClock own = new MutableClock(START);
    SimCluster c = new SimCluster(SimConfig.forTests(3, 40, seed), own);
    List<String> renders = new ArrayList<>();
    for (int minute = 0; minute < 5; minute++) {
      own.advance(Duration.ofSeconds(60));
      c.tick();
      c.inject(FaultSpec.of(FaultKind.TASK_FAILURES, "random-agent", null));
      c.inject(FaultSpec.of(FaultKind.AGENT_DISCONNECTED, "random-agent", Duration.ofSeconds(30)));
      for (SimAgent a : c.agents()) {
        renders.add(new String(c.renderAgentSnapshot(a), StandardCharsets.UTF_8));
      }
      renders.add(new String(c.renderSlaves(), StandardCharsets.UTF_8));
      renders.add(new String(c.renderMarathonApps(true), StandardCharsets.UTF_8));
      renders.add(
          new String(c.renderMasterSnapshot(c.leader().orElseThrow()), StandardCharsets.UTF_8));
    }
    return renders;
  }

  @Test
  void countersOnlyGrowWithoutRestartsOrFailovers() {
    SimCluster c = cluster(3, 30);
    Map<String, Double> previous = new HashMap<>();
    for (int second = 0; second < 900; second++) {
      advance(c, Duration.ofSeconds(1));
      for (SimAgent a : c.agents()) {
        Map<String, Double> m = c.agentMetrics(a);
        for (String key : AGENT_COUNTERS) {
          String id = a.id() + key;
          assertThat(m.get(key))
              .as("%s at second %d", id, second)
              .isGreaterThanOrEqualTo(previous.getOrDefault(id, 0.0));
          previous.put(id, m.get(key));
        }
      }
      Map<String, Double> leader = c.masterMetrics(c.leader().orElseThrow());
      for (String key : MASTER_COUNTERS) {
        assertThat(leader.get(key))
            .as("%s at second %d", key, second)
            .isGreaterThanOrEqualTo(previous.getOrDefault(key, 0.0));
        previous.put(key, leader.get(key));
      }
    }
    assertThat(previous.get("master/tasks_finished"))
        .as("tasks finish over 15 minutes")
        .isPositive();
  }

  @Test
  void leaderTotalsEqualTheSumOverActiveAgents() {
    SimCluster c = cluster(11, 60);
    advance(c, Duration.ofSeconds(300));
    c.inject(FaultSpec.of(FaultKind.AGENT_DISCONNECTED, "random-agent", null));

    double cpus = 0;
    double cpusUsed = 0;
    double mem = 0;
    double running = 0;
    for (SimAgent a : c.agents()) {
      Map<String, Double> m = c.agentMetrics(a);
      if (m.get("slave/registered") == 1.0) {
        cpus += m.get("slave/cpus_total");
        cpusUsed += m.get("slave/cpus_used");
        mem += m.get("slave/mem_total");
        running += m.get("slave/tasks_running");
      }
    }
    Map<String, Double> leader = c.masterMetrics(c.leader().orElseThrow());
    assertThat(leader.get("master/cpus_total")).isCloseTo(cpus, within(1e-6));
    assertThat(leader.get("master/cpus_used")).isCloseTo(cpusUsed, within(1e-6));
    assertThat(leader.get("master/mem_total")).isCloseTo(mem, within(1e-6));
    assertThat(leader.get("master/tasks_running")).isEqualTo(running);
    assertThat(leader.get("master/cpus_percent")).isCloseTo(cpusUsed / cpus, within(1e-9));
    assertThat(leader.get("master/slaves_disconnected")).isEqualTo(1.0);
    assertThat(leader.get("master/slaves_connected")).isEqualTo(59.0);
  }

  @Test
  void allocationOnAnAgentIsTheSumOfItsTasks() {
    SimCluster c = cluster(5, 20);
    advance(c, Duration.ofSeconds(120));
    for (SimAgent a : c.agents()) {
      Map<String, Double> m = c.agentMetrics(a);
      double sum = a.tasks.stream().mapToDouble(t -> t.cpus).sum();
      assertThat(m.get("slave/cpus_used")).isCloseTo(sum, within(1e-9));
      assertThat(m.get("slave/cpus_used")).isLessThanOrEqualTo(m.get("slave/cpus_total"));
      assertThat(m.get("slave/tasks_running")).isEqualTo((double) a.tasks.size());
    }
  }

  @Test
  void uptimeAdvancesWithTheClock() {
    SimCluster c = cluster(1, 3);
    SimAgent a = c.agents().get(0);
    double before = c.agentMetrics(a).get("slave/uptime_secs");

    advance(c, Duration.ofSeconds(42));

    assertThat(c.agentMetrics(a).get("slave/uptime_secs")).isEqualTo(before + 42);
  }

  @Test
  void aBlipRefusesForASecondAndAHalfAndTheMasterNeverNotices() {
    SimCluster c = cluster(2, 10);
    SimAgent victim = c.agents().get(4);
    FaultRecord blip = c.inject(FaultSpec.of(FaultKind.BLIP, victim.id(), null));
    assertThat(victim.faults().down).isTrue();
    assertThat(blip.plannedEnd()).isEqualTo(blip.startedAt().plusMillis(1500));

    advance(c, Duration.ofSeconds(1));
    assertThat(victim.faults().down).as("still refusing after a second").isTrue();
    advance(c, Duration.ofSeconds(1));
    assertThat(victim.faults().down).as("answering again by the next tick").isFalse();
    assertThat(c.masterMetrics(c.leader().orElseThrow()).get("master/slaves_unreachable")).isZero();
  }

  @Test
  void agentDownForThePingTimeoutBecomesUnreachableAndComesBack() {
    SimCluster c = cluster(2, 10);
    SimAgent victim = c.agents().get(3);
    FaultRecord down = c.inject(FaultSpec.of(FaultKind.DOWN, victim.id(), null));

    advance(c, Duration.ofSeconds(74));
    assertThat(c.masterMetrics(c.leader().orElseThrow()).get("master/slaves_unreachable")).isZero();

    advance(c, Duration.ofSeconds(2));
    Map<String, Double> marked = c.masterMetrics(c.leader().orElseThrow());
    assertThat(marked.get("master/slaves_unreachable")).isEqualTo(1.0);
    assertThat(marked.get("master/slave_unreachable_completed")).isEqualTo(1.0);
    // Mesos 1.1+ (readonly_handler.cpp): /master/slaves lists registered and recovered agents
    // only; an unreachable one is in neither until it re-registers
    assertThat(new String(c.renderSlaves(), StandardCharsets.UTF_8)).doesNotContain(victim.id());

    c.clear(down.id());
    advance(c, Duration.ofSeconds(1));
    Map<String, Double> leader = c.masterMetrics(c.leader().orElseThrow());
    assertThat(leader.get("master/slaves_unreachable")).isZero();
    assertThat(leader.get("master/slave_reregistrations")).isEqualTo(1.0);
    assertThat(new String(c.renderSlaves(), StandardCharsets.UTF_8)).contains(victim.id());
  }

  @Test
  void aPartitionedAgentAnswersButIsUnreachableToTheMasterUntilItHeals() {
    SimCluster c = cluster(2, 10);
    SimAgent victim = c.agents().get(4);
    FaultRecord cut =
        c.inject(new FaultSpec(FaultKind.AGENT_PARTITIONED, victim.id(), null, Map.of()));

    advance(c, Duration.ofSeconds(74));
    assertThat(new String(c.renderSlaves(), StandardCharsets.UTF_8)).contains(victim.id());
    assertThat(c.agentMetrics(victim).get("slave/registered")).isEqualTo(1.0);

    advance(c, Duration.ofSeconds(2));
    assertThat(victim.listening()).isTrue();
    assertThat(c.agentMetrics(victim).get("slave/registered")).isZero();
    assertThat(new String(c.renderSlaves(), StandardCharsets.UTF_8)).doesNotContain(victim.id());
    Map<String, Double> leader = c.masterMetrics(c.leader().orElseThrow());
    assertThat(leader.get("master/slaves_unreachable")).isEqualTo(1.0);
    assertThat(leader.get("master/slave_unreachable_scheduled")).isEqualTo(1.0);
    assertThat(leader.get("master/tasks_unreachable"))
        .isEqualTo((double) victim.tasks.stream().filter(SimTask::isMarathon).count());

    c.clear(cut.id());
    advance(c, Duration.ofSeconds(1));
    assertThat(new String(c.renderSlaves(), StandardCharsets.UTF_8)).contains(victim.id());
    assertThat(c.agentMetrics(victim).get("slave/registered")).isEqualTo(1.0);
    assertThat(c.masterMetrics(c.leader().orElseThrow()).get("master/slave_reregistrations"))
        .isEqualTo(1.0);
  }

  @Test
  void masterStateCountsAgreeWithTheMetricsAndTheAgentLists() throws Exception {
    SimCluster c = cluster(2, 12);
    List<SimAgent> agents = c.agents();
    c.inject(FaultSpec.of(FaultKind.AGENT_DISCONNECTED, agents.get(0).id(), null));
    c.inject(FaultSpec.of(FaultKind.AGENT_DRAINING, agents.get(1).id(), null));
    c.inject(FaultSpec.of(FaultKind.DOWN, agents.get(2).id(), null));
    advance(c, Duration.ofSeconds(76));

    SimMaster leader = c.leader().orElseThrow();
    var state = new com.fasterxml.jackson.databind.ObjectMapper().readTree(c.renderState(leader));
    Map<String, Double> metrics = c.masterMetrics(leader);
    assertThat(state.path("activated_slaves").asDouble())
        .isEqualTo(metrics.get("master/slaves_active"))
        .isEqualTo(9.0);
    assertThat(state.path("deactivated_slaves").asDouble())
        .isEqualTo(metrics.get("master/slaves_inactive"))
        .isEqualTo(2.0);
    assertThat(state.path("unreachable_slaves").asDouble())
        .isEqualTo(metrics.get("master/slaves_unreachable"))
        .isEqualTo(1.0);
    assertThat(state.path("slaves").size()).isEqualTo(11);
    assertThat(state.path("leader").asText()).isEqualTo("master@" + leader.hostPort());

    c.inject(FaultSpec.of(FaultKind.MASTER_FAILOVER, null, null));
    SimMaster next = c.leader().orElseThrow();
    var after = new com.fasterxml.jackson.databind.ObjectMapper().readTree(c.renderState(next));
    assertThat(after.path("recovered_slaves").size())
        .as("the new leader knows the registry's agents, the unreachable one included")
        .isEqualTo(12);
    assertThat(after.path("slaves")).isEmpty();
    assertThat(after.path("activated_slaves").asDouble())
        .isEqualTo(c.masterMetrics(next).get("master/slaves_active"));
  }

  @Test
  void aPartitionCanCutTheCollectorOffToo() {
    SimCluster c = cluster(2, 10);
    SimAgent victim = c.agents().get(5);
    c.inject(
        new FaultSpec(
            FaultKind.AGENT_PARTITIONED, victim.id(), null, Map.of("agentAnswers", "false")));
    assertThat(victim.listening()).isFalse();
    assertThatThrownBy(
            () ->
                c.inject(
                    new FaultSpec(
                        FaultKind.AGENT_PARTITIONED,
                        victim.id(),
                        null,
                        Map.of("agentAnswers", "maybe"))))
        .hasMessageContaining("agentAnswers must be true or false");
  }

  @Test
  void capacityRampRaisesAllocationSteadilyAndEnds() {
    SimCluster c = cluster(9, 40);
    advance(c, Duration.ofSeconds(60));
    double start = c.cpuUsedRatio();
    FaultRecord ramp =
        c.inject(
            new FaultSpec(
                FaultKind.CAPACITY_RAMP,
                null,
                Duration.ofMinutes(10),
                Map.of("targetRatio", "0.95")));

    advance(c, Duration.ofMinutes(5));
    assertThat(c.cpuUsedRatio()).isCloseTo(start + (0.95 - start) / 2, within(0.05));

    advance(c, Duration.ofMinutes(5).minusSeconds(1));
    assertThat(c.cpuUsedRatio()).isGreaterThan(0.9);

    advance(c, Duration.ofSeconds(2));
    assertThat(
            c.faults().stream().filter(f -> f.id() == ramp.id()).findFirst().orElseThrow().active())
        .isFalse();
    assertThat(c.cpuUsedRatio()).isLessThan(0.8);
  }

  @Test
  void failoverRestartsTheOldLeaderAndStartsTheNewLeadersCountersAtZero() {
    SimCluster c = cluster(4, 20);
    advance(c, Duration.ofMinutes(10));
    SimMaster old = c.leader().orElseThrow();
    assertThat(c.masterMetrics(old).get("master/tasks_finished")).isPositive();

    c.inject(FaultSpec.of(FaultKind.MASTER_FAILOVER, null, null));

    SimMaster now = c.leader().orElseThrow();
    assertThat(now).isNotSameAs(old);
    assertThat(c.masterMetrics(now).get("master/tasks_finished")).isZero();
    assertThat(c.masterMetrics(old).get("master/uptime_secs")).isZero();
    assertThat(c.masterMetrics(old).get("master/elected")).isZero();
  }

  @Test
  void aNewLeaderWaitsForItsAgentsToReregisterAndRemovesTheOnesThatDoNot() throws Exception {
    SimCluster c = cluster(5, 40);
    advance(c, Duration.ofSeconds(30));
    SimAgent down = c.agents().get(3);
    c.inject(new FaultSpec(FaultKind.DOWN, down.id, Duration.ofMinutes(10), Map.of()));

    c.inject(
        new FaultSpec(
            FaultKind.MASTER_FAILOVER,
            null,
            null,
            Map.of("reregisterWithinSeconds", "30", "reregisterTimeoutSeconds", "120")));

    // at once: every agent known from the registry only, as Mesos writes a SlaveInfo
    JsonNode slaves = JSON.readTree(c.renderSlaves());
    assertThat(slaves.path("slaves")).isEmpty();
    assertThat(slaves.path("recovered_slaves")).hasSize(40);
    JsonNode entry = slaves.path("recovered_slaves").get(0);
    assertThat(entry.has("pid")).as("no pid: the agent has not spoken to this master").isFalse();
    assertThat(iterable(entry.fieldNames()))
        .containsExactly("id", "hostname", "port", "attributes");
    SimAgent some = c.agents().get(0);
    assertThat(c.agentMetrics(some).get("slave/registered"))
        .as("an agent that saw a new leader is disconnected until it re-registers")
        .isZero();
    SimMaster leader = c.leader().orElseThrow();
    assertThat(c.masterMetrics(leader).get("master/slaves_active")).isZero();

    // within the spread most are back; by three times it, all but the one that is down
    advance(c, Duration.ofSeconds(30));
    int back = JSON.readTree(c.renderSlaves()).path("slaves").size();
    assertThat(back).isBetween(30, 39);
    advance(c, Duration.ofSeconds(60));
    slaves = JSON.readTree(c.renderSlaves());
    assertThat(slaves.path("slaves")).hasSize(39);
    assertThat(slaves.path("recovered_slaves")).hasSize(1);
    assertThat(slaves.path("recovered_slaves").get(0).path("id").asText()).isEqualTo(down.id);
    assertThat(c.agentMetrics(some).get("slave/registered")).isEqualTo(1.0);
    assertThat(c.masterMetrics(leader).get("master/slaves_active")).isEqualTo(39.0);
    assertThat(c.masterMetrics(leader).get("master/slave_reregistrations")).isEqualTo(39.0);

    // the timeout: the master removes the one that never came back
    advance(c, Duration.ofSeconds(31));
    slaves = JSON.readTree(c.renderSlaves());
    assertThat(slaves.path("slaves")).hasSize(39);
    assertThat(slaves.path("recovered_slaves")).isEmpty();
    assertThat(c.masterMetrics(leader).get("master/recovery_slave_removals")).isEqualTo(1.0);
  }

  private static List<String> iterable(java.util.Iterator<String> it) {
    List<String> out = new java.util.ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }
}
