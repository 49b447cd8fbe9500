package dev.mesoshealth.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mesoshealth.collector.CollectorConfig;
import dev.mesoshealth.collector.CollectorMain;
import dev.mesoshealth.events.HealthStatus;
import dev.mesoshealth.events.HealthTransition;
import dev.mesoshealth.processor.ProcessorConfig;
import dev.mesoshealth.processor.ProcessorMain;
import dev.mesoshealth.schemas.topics.Topics;
import dev.mesoshealth.sim.MesosSimulator;
import dev.mesoshealth.sim.SimConfig;
import dev.mesoshealth.sim.cluster.FaultKind;
import dev.mesoshealth.sim.cluster.FaultRecord;
import dev.mesoshealth.sim.cluster.FaultSpec;
import dev.mesoshealth.sim.cluster.SimAgent;
import dev.mesoshealth.testkit.ItFlags;
import dev.mesoshealth.testkit.KafkaBrokerExtension;
import dev.mesoshealth.testkit.ProcessorRest;
import dev.mesoshealth.testkit.SimulatorExtension;
import dev.mesoshealth.testkit.TempDirs;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole pipeline for real: simulator, collector, broker, processor. Each fault injected in the
 * simulator must show up as the right transition on mesos.health.transitions and over REST, within
 * K poll intervals plus a little; detection latency is measured from the ground-truth log.
 */
class ProcessorEndToEndIT {
  @RegisterExtension static final KafkaBrokerExtension kafka = new KafkaBrokerExtension();

  @RegisterExtension
  static final SimulatorExtension cluster =
      new SimulatorExtension(SimConfig.forTests(3, 16, 31).withCluster("e2e"));

  private static final Duration POLL = Duration.ofSeconds(1);
  private static CollectorMain collector;
  private static ProcessorMain processor;
  private static Path stateDir;

  @BeforeAll
  static void start() throws Exception {
    stateDir = TempDirs.create("processor-e2e-");
    Map<String, String> c = ItFlags.collector("e2e", cluster.sim(), kafka.bootstrapServers());
    c.remove("marathon.urls");
    collector = CollectorMain.start(CollectorConfig.fromFlags(c));
    Map<String, String> p = ItFlags.processor("e2e-processor", kafka.bootstrapServers());
    p.put("state.dir", stateDir.toString());
    processor = ProcessorMain.start(ProcessorConfig.fromFlags(p));
    await("every agent HEALTHY over REST")
        .atMost(Duration.ofSeconds(90))
        .until(
            () -> {
              ProcessorRest.Answer a =
                  ProcessorRest.get(processor.apiUrl() + "/v1/nodes?role=agent&state=healthy");
              return a.status() == 200 && a.body().get("count").asInt() == 16;
            });
  }

  @AfterAll
  static void stop() {
    if (collector != null) {
      collector.close();
    }
    if (processor != null) {
      processor.close();
    }
  }

  private record Expectation(String node, HealthStatus to, FaultRecord fault) {}

  @Test
  void everyFaultShowsUpAsTheRightTransitionAndOverRest() {
    MesosSimulator sim = cluster.sim();
    List<SimAgent> agents = sim.cluster().agents();
    String api = processor.apiUrl();
    await("cluster HEALTHY before the faults")
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                "HEALTHY"
                    .equals(
                        ProcessorRest.get(api + "/v1/clusters/e2e/health")
                            .body()
                            .path("state")
                            .asText()));
    Instant before = Instant.now();

    Map<FaultKind, HealthStatus> agentFaults = new LinkedHashMap<>();
    agentFaults.put(FaultKind.DOWN, HealthStatus.UNREACHABLE);
    agentFaults.put(FaultKind.HUNG, HealthStatus.UNREACHABLE);
    agentFaults.put(FaultKind.HTTP_ERROR, HealthStatus.UNREACHABLE);
    agentFaults.put(FaultKind.MALFORMED_JSON, HealthStatus.UNHEALTHY);
    agentFaults.put(FaultKind.AGENT_DISCONNECTED, HealthStatus.UNHEALTHY);
    agentFaults.put(FaultKind.RECOVERY_ERRORS, HealthStatus.DEGRADED);
    agentFaults.put(FaultKind.TASK_FAILURES, HealthStatus.DEGRADED);
    agentFaults.put(FaultKind.HOST_PRESSURE, HealthStatus.DEGRADED);
    agentFaults.put(FaultKind.LAUNCH_ERRORS, HealthStatus.DEGRADED);
    agentFaults.put(FaultKind.AGENT_DRAINING, HealthStatus.DRAINING);
    agentFaults.put(FaultKind.AGENT_REMOVED, HealthStatus.GONE);
    List<Expectation> expected = new ArrayList<>();
    int i = 0;
    for (Map.Entry<FaultKind, HealthStatus> e : agentFaults.entrySet()) {
      SimAgent victim = agents.get(i++);
      expected.add(
          new Expectation(
              victim.id(),
              e.getValue(),
              sim.inject(
                  new FaultSpec(e.getKey(), victim.id(), Duration.ofMinutes(10), Map.of()))));
    }
    String leader = "master:" + sim.cluster().leader().orElseThrow().hostPort();
    expected.add(
        new Expectation(
            leader,
            HealthStatus.DEGRADED,
            sim.inject(
                new FaultSpec(
                    FaultKind.REGISTRAR_LATENCY,
                    null,
                    Duration.ofMinutes(10),
                    Map.of("p99Ms", "2500")))));

    List<ConsumerRecord<String, HealthTransition>> seen =
        kafka.consumeUntil(
            Topics.HEALTH_TRANSITIONS,
            records -> expected.stream().allMatch(x -> find(records, x, before) != null),
            Duration.ofSeconds(60),
            "a transition for every fault");

    StringBuilder latencies =
        new StringBuilder("detection latency per fault (poll interval 1s, K=2):");
    for (Expectation x : expected) {
      HealthTransition t = find(seen, x, before);
      Duration latency = Duration.between(x.fault().startedAt(), t.getAt());
      latencies.append(
          String.format("%n  %-20s -> %-11s %5d ms", x.fault().kind(), x.to(), latency.toMillis()));
      assertThat(latency)
          .as("%s detected within K intervals + 3 s", x.fault().kind())
          .isLessThan(POLL.multipliedBy(2).plusSeconds(3));
      await(x.node() + " over REST")
          .atMost(Duration.ofSeconds(10))
          .until(() -> x.to().name().equals(ProcessorRest.state(api, x.node())));
    }
    System.out.println(latencies);
    JsonNode reasons =
        ProcessorRest.get(api + "/v1/nodes/" + expected.get(5).node() + "/health")
            .body()
            .get("reasons");
    assertThat(reasons.get(0).get("rule").asText()).isEqualTo("agent.recovery-errors");
    assertThat(reasons.get(0).get("metric").asText()).isEqualTo("mesos.slave.recovery_errors");
  }

  @Test
  void noLeaderMakesTheClusterUnhealthyAndMetricsAreQueryable() {
    String api = processor.apiUrl();
    ProcessorRest.Answer metric = ProcessorRest.get(api + "/v1/metrics/mesos.slave.tasks_running");
    assertThat(metric.status()).isEqualTo(200);
    assertThat(metric.body().get("values").size()).isGreaterThanOrEqualTo(10);
    SimAgent a = cluster.sim().cluster().agents().get(14);
    ProcessorRest.Answer one =
        ProcessorRest.get(api + "/v1/metrics/mesos.stats.system.memfreebytes?node=" + a.id());
    assertThat(one.status()).isEqualTo(200);
    assertThat(one.body().get("metric").asText()).isEqualTo("mesos.stats.system.mem_free_bytes");
    ProcessorRest.Answer history =
        ProcessorRest.get(api + "/v1/nodes/" + a.id() + "/history?from=10m");
    assertThat(history.status()).isEqualTo(200);
    assertThat(history.body().get("minutes").size()).isGreaterThanOrEqualTo(1);

    FaultRecord noLeader = cluster.sim().inject(FaultSpec.of(FaultKind.NO_LEADER, null, null));
    try {
      await("cluster UNHEALTHY for want of a leader")
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                JsonNode health = ProcessorRest.get(api + "/v1/clusters/e2e/health").body();
                return "UNHEALTHY".equals(health.get("state").asText())
                    && health.get("reasons").findValuesAsText("rule").contains("cluster.no-leader");
              });
      JsonNode reasons = ProcessorRest.get(api + "/v1/clusters/e2e/health").body().get("reasons");
      assertThat(reasons.findValuesAsText("rule")).contains("cluster.no-leader");
    } finally {
      cluster.sim().clear(noLeader.id());
    }
  }

  @Test
  void badRequestsAreFourHundredsWithAReason() {
    String api = processor.apiUrl();
    assertThat(ProcessorRest.get(api + "/v1/nodes/%3Cscript%3E/health").status()).isEqualTo(400);
    assertThat(ProcessorRest.get(api + "/v1/nodes/no-such-node/health").status()).isEqualTo(404);
    assertThat(ProcessorRest.get(api + "/v1/nodes?state=purple").body().get("error").asText())
        .startsWith("unknown state 'purple'");
    assertThat(ProcessorRest.get(api + "/v1/nodes?colour=red").status()).isEqualTo(400);
    assertThat(ProcessorRest.get(api + "/v1/metrics/mesos.nonsense").status()).isEqualTo(404);
    assertThat(ProcessorRest.get(api + "/v1/nodes/x/history?from=yesterday").status())
        .isEqualTo(400);
    assertThat(ProcessorRest.get(api + "/v1/nodes/never-seen/history").status())
        .as("no node, no history: not an empty one")
        .isEqualTo(404);
    assertThat(ProcessorRest.get(api + "/v1/nodes?limit=0").status()).isEqualTo(400);
  }

  private static HealthTransition find(
      List<ConsumerRecord<String, HealthTransition>> records, Expectation x, Instant after) {
    for (ConsumerRecord<String, HealthTransition> r : records) {
      HealthTransition t = r.value();
      if (r.key().equals(x.node())
          && t.getTo() == x.to()
          && !t.getAt().isBefore(x.fault().startedAt().minusSeconds(1))
          && t.getAt().isAfter(after.minusSeconds(1))) {
        return t;
      }
    }
    return null;
  }
}
