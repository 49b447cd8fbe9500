package dev.mesoshealth.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mesoshealth.sim.cluster.FaultKind;
import dev.mesoshealth.sim.cluster.FaultRecord;
import dev.mesoshealth.sim.cluster.FaultSpec;
import dev.mesoshealth.sim.cluster.SimAgent;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every fault kind is observable over HTTP the way a Mesos client would see it. */
class FaultKindsTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));
  private MesosSimulator sim;
  private SimAgent agent;

  /** A check per kind: inject on a fresh cluster, then look over HTTP. */
  interface Check {
    void run(FaultKindsTest t) throws Exception;
  }

  private static final Map<FaultKind, Check> CHECKS = new EnumMap<>(FaultKind.class);

  static {
    CHECKS.put(
        FaultKind.DOWN,
        t -> {
          t.injectOnAgent(FaultKind.DOWN, Map.of());
          assertThatThrownBy(() -> Http.get(t.agentUrl() + "/metrics/snapshot"))
              .isInstanceOf(ConnectException.class);
        });
    CHECKS.put(
        FaultKind.BLIP,
        t -> {
          t.injectOnAgent(FaultKind.BLIP, Map.of());
          assertThatThrownBy(() -> Http.get(t.agentUrl() + "/metrics/snapshot"))
              .isInstanceOf(ConnectException.class);
          t.advance(Duration.ofSeconds(2));
          assertThat(Http.get(t.agentUrl() + "/metrics/snapshot").statusCode())
              .as("answering again once the blip is over")
              .isEqualTo(200);
        });
    CHECKS.put(
        FaultKind.SLOW,
        t -> {
          t.injectOnAgent(FaultKind.SLOW, Map.of("delayMs", "400"));
          long start = System.nanoTime();
          assertThat(Http.get(t.agentUrl() + "/metrics/snapshot").statusCode()).isEqualTo(200);
          assertThat(Duration.ofNanos(System.nanoTime() - start))
              .isGreaterThanOrEqualTo(Duration.ofMillis(400));
        });
    CHECKS.put(
        FaultKind.HUNG,
        t -> {
          t.injectOnAgent(FaultKind.HUNG, Map.of());
          assertThatThrownBy(
                  () -> Http.get(t.agentUrl() + "/metrics/snapshot", Duration.ofMillis(300)))
              .isInstanceOf(HttpTimeoutException.class);
        });
    CHECKS.put(
        FaultKind.HTTP_ERROR,
        t -> {
          t.injectOnAgent(FaultKind.HTTP_ERROR, Map.of("status", "503"));
          assertThat(Http.get(t.agentUrl() + "/metrics/snapshot").statusCode()).isEqualTo(503);
        });
    CHECKS.put(
        FaultKind.MALFORMED_JSON,
        t -> {
          t.injectOnAgent(FaultKind.MALFORMED_JSON, Map.of());
          String body = Http.get(t.agentUrl() + "/metrics/snapshot").body();
          assertThatThrownBy(() -> Http.JSON.readTree(body)).isInstanceOf(IOException.class);
        });
    CHECKS.put(
        FaultKind.PARTIAL_SNAPSHOT,
        t -> {
          int full = Http.json(t.agentUrl() + "/metrics/snapshot").size();
          t.injectOnAgent(FaultKind.PARTIAL_SNAPSHOT, Map.of());
          assertThat(Http.json(t.agentUrl() + "/metrics/snapshot").size()).isBetween(1, full - 5);
        });
    CHECKS.put(
        FaultKind.AGENT_DISCONNECTED,
        t -> {
          t.injectOnAgent(FaultKind.AGENT_DISCONNECTED, Map.of());
          assertThat(t.agentMetric("slave/registered")).isZero();
          assertThat(t.slaveEntry().get("active").asBoolean()).isFalse();
          assertThat(t.leaderMetric("master/slaves_disconnected")).isEqualTo(1.0);
        });
    CHECKS.put(
        FaultKind.AGENT_DRAINING,
        t -> {
          t.injectOnAgent(FaultKind.AGENT_DRAINING, Map.of());
          JsonNode entry = t.slaveEntry();
          assertThat(entry.get("deactivated").asBoolean()).isTrue();
          assertThat(entry.get("drain_info").get("state").asText()).isEqualTo("DRAINING");
          assertThat(t.leaderMetric("master/slaves_inactive")).isEqualTo(1.0);
        });
    CHECKS.put(
        FaultKind.AGENT_REMOVED,
        t -> {
          t.injectOnAgent(FaultKind.AGENT_REMOVED, Map.of());
          assertThat(t.slaves().findValuesAsText("id")).doesNotContain(t.agent.id());
          assertThatThrownBy(() -> Http.get(t.agentUrl() + "/metrics/snapshot"))
              .isInstanceOf(ConnectException.class);
          assertThat(t.leaderMetric("master/slave_removals")).isEqualTo(1.0);
          t.advance(Duration.ofSeconds(2));
          String tasks = Http.get(t.sim.marathonUrl() + "/v2/tasks").body();
          assertThat(tasks).doesNotContain(t.agent.id());
        });
    CHECKS.put(
        FaultKind.AGENT_PARTITIONED,
        t -> {
          t.injectOnAgent(FaultKind.AGENT_PARTITIONED, Map.of());
          t.advance(Duration.ofSeconds(76)); // agent_ping_timeout x max_agent_ping_timeouts
          assertThat(t.slaves().findValuesAsText("id")).doesNotContain(t.agent.id());
          assertThat(t.agentMetric("slave/registered")).isZero(); // it still answers
          assertThat(t.leaderMetric("master/slaves_unreachable")).isEqualTo(1.0);
          assertThat(t.leaderMetric("master/slave_unreachable_completed")).isEqualTo(1.0);
        });
    CHECKS.put(
        FaultKind.AGENT_ADDED,
        t -> {
          FaultRecord added = t.sim.inject(FaultSpec.of(FaultKind.AGENT_ADDED, null, null));
          String id = added.nodes().get(0);
          JsonNode entry = null;
          for (JsonNode s : t.slaves()) {
            if (s.get("id").asText().equals(id)) {
              entry = s;
            }
          }
          assertThat(entry).as("new agent listed").isNotNull();
          String pid = entry.get("pid").asText();
          assertThat(
                  Http.json("http://" + pid.substring(pid.indexOf('@') + 1) + "/metrics/snapshot")
                      .has("slave/uptime_secs"))
              .isTrue();
        });
    CHECKS.put(
        FaultKind.AGENT_RESTART,
        t -> {
          t.advance(Duration.ofSeconds(30));
          t.injectOnAgent(FaultKind.AGENT_RESTART, Map.of());
          assertThat(t.agentMetric("slave/uptime_secs")).isZero();
          assertThat(t.agentMetric("slave/tasks_finished")).isZero();
        });
    CHECKS.put(
        FaultKind.RECOVERY_ERRORS,
        t -> {
          t.injectOnAgent(FaultKind.RECOVERY_ERRORS, Map.of("count", "3"));
          assertThat(t.agentMetric("slave/recovery_errors")).isEqualTo(3.0);
        });
    CHECKS.put(
        FaultKind.TASK_FAILURES,
        t -> {
          double failed = t.agentMetric("slave/tasks_failed");
          double lost = t.agentMetric("slave/tasks_lost");
          double leaderFailed = t.leaderMetric("master/tasks_failed");
          t.injectOnAgent(FaultKind.TASK_FAILURES, Map.of("failed", "8", "lost", "3"));
          assertThat(t.agentMetric("slave/tasks_failed")).isEqualTo(failed + 8);
          assertThat(t.agentMetric("slave/tasks_lost")).isEqualTo(lost + 3);
          assertThat(t.leaderMetric("master/tasks_failed")).isEqualTo(leaderFailed + 8);
        });
    CHECKS.put(
        FaultKind.LAUNCH_ERRORS,
        t -> {
          t.injectOnAgent(FaultKind.LAUNCH_ERRORS, Map.of("perSecond", "2"));
          t.advance(Duration.ofSeconds(3));
          assertThat(t.agentMetric("slave/container_launch_errors")).isEqualTo(6.0);
        });
    CHECKS.put(
        FaultKind.HOST_PRESSURE,
        t -> {
          t.injectOnAgent(FaultKind.HOST_PRESSURE, Map.of());
          t.advance(Duration.ofSeconds(1));
          JsonNode m = Http.json(t.agentUrl() + "/metrics/snapshot");
          assertThat(m.get("system/load_5min").asDouble() / m.get("system/cpus_total").asDouble())
              .isGreaterThanOrEqualTo(2);
          assertThat(
                  m.get("system/mem_free_bytes").asDouble()
                      / m.get("system/mem_total_bytes").asDouble())
              .isLessThan(0.05);
        });
    CHECKS.put(
        FaultKind.MASTER_FAILOVER,
        t -> {
          String before = t.leaderUrl();
          t.sim.inject(FaultSpec.of(FaultKind.MASTER_FAILOVER, null, null));
          assertThat(t.leaderUrl()).isNotEqualTo(before);
          assertThat(Http.json(before + "/metrics/snapshot").get("master/elected").asDouble())
              .isZero();
          assertThat(
                  Http.json(t.leaderUrl() + "/metrics/snapshot").get("master/elected").asDouble())
              .isEqualTo(1.0);
        });
    CHECKS.put(
        FaultKind.MASTER_RESTART,
        t -> {
          t.advance(Duration.ofSeconds(10));
          String follower = t.sim.masterUrls().get(2);
          t.sim.inject(FaultSpec.of(FaultKind.MASTER_RESTART, follower.substring(7), null));
          assertThat(Http.json(follower + "/metrics/snapshot").get("master/uptime_secs").asDouble())
              .isZero();
        });
    CHECKS.put(
        FaultKind.NO_LEADER,
        t -> {
          t.sim.inject(FaultSpec.of(FaultKind.NO_LEADER, null, null));
          assertThat(Http.get(t.sim.masterUrls().get(0) + "/master/redirect").statusCode())
              .isEqualTo(503);
        });
    CHECKS.put(
        FaultKind.TWO_LEADERS,
        t -> {
          t.sim.inject(FaultSpec.of(FaultKind.TWO_LEADERS, null, null));
          int elected = 0;
          for (String url : t.sim.masterUrls()) {
            elected += (int) Http.json(url + "/metrics/snapshot").get("master/elected").asDouble();
          }
          assertThat(elected).isEqualTo(2);
        });
    CHECKS.put(
        FaultKind.REGISTRAR_LATENCY,
        t -> {
          t.sim.inject(
              new FaultSpec(FaultKind.REGISTRAR_LATENCY, null, null, Map.of("p99Ms", "2500")));
          assertThat(t.leaderMetric("registrar/state_store_ms/p99")).isEqualTo(2500.0);
        });
    CHECKS.put(
        FaultKind.DROPPED_MESSAGES,
        t -> {
          t.sim.inject(
              new FaultSpec(FaultKind.DROPPED_MESSAGES, null, null, Map.of("perSecond", "5")));
          t.advance(Duration.ofSeconds(4));
          assertThat(t.leaderMetric("master/dropped_messages")).isEqualTo(20.0);
        });
    CHECKS.put(
        FaultKind.EVENT_QUEUE_BACKLOG,
        t -> {
          t.sim.inject(FaultSpec.of(FaultKind.EVENT_QUEUE_BACKLOG, null, null));
          assertThat(t.leaderMetric("master/event_queue_messages")).isGreaterThanOrEqualTo(5000.0);
        });
    CHECKS.put(
        FaultKind.FRAMEWORK_DISCONNECTED,
        t -> {
          t.sim.inject(FaultSpec.of(FaultKind.FRAMEWORK_DISCONNECTED, null, null));
          assertThat(t.leaderMetric("master/frameworks_disconnected")).isEqualTo(1.0);
        });
    CHECKS.put(
        FaultKind.CAPACITY_RAMP,
        t -> {
          double before = t.leaderMetric("master/cpus_percent");
          t.sim.inject(
              new FaultSpec(
                  FaultKind.CAPACITY_RAMP,
                  null,
                  Duration.ofMinutes(2),
                  Map.of("targetRatio", "0.95")));
          t.advance(Duration.ofMinutes(1));
          assertThat(t.leaderMetric("master/cpus_percent"))
              .isCloseTo(before + (0.95 - before) / 2, within(0.06));
        });
    CHECKS.put(
        FaultKind.HEALTH_CHECK_FAILING,
        t -> {
          String app = t.appWithChecks();
          t.sim.inject(FaultSpec.of(FaultKind.HEALTH_CHECK_FAILING, app, null));
          t.advance(Duration.ofSeconds(2));
          for (JsonNode task : t.tasksOf(app)) {
            JsonNode result = task.get("healthCheckResults").get(0);
            assertThat(result.get("alive").asBoolean()).isFalse();
            assertThat(result.get("consecutiveFailures").asInt()).isEqualTo(2);
          }
        });
    CHECKS.put(
        FaultKind.MARATHON_FAILOVER,
        t -> {
          String app = t.appWithChecks();
          t.sim.inject(FaultSpec.of(FaultKind.MARATHON_FAILOVER, null, Duration.ofSeconds(30)));
          for (JsonNode task : t.tasksOf(app)) {
            assertThat(task.get("healthCheckResults")).isEmpty();
          }
          t.advance(Duration.ofSeconds(31));
          for (JsonNode task : t.tasksOf(app)) {
            assertThat(task.get("healthCheckResults")).hasSize(1);
          }
        });
  }

  @BeforeEach
  void start() {
    sim = MesosSimulator.start(SimConfig.forTests(3, 8, 21), clock);
    agent = sim.cluster().agents().get(2);
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  static Stream<FaultKind> kinds() {
    return Stream.of(FaultKind.values());
  }

  @Test
  void everyFaultKindHasACheck() {
    assertThat(CHECKS.keySet()).containsExactlyInAnyOrder(FaultKind.values());
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void faultIsObservableOverHttp(FaultKind kind) throws Exception {
    CHECKS.get(kind).run(this);

    assertThat(sim.faults()).extracting(FaultRecord::kind).contains(kind);
  }

  @Test
  void faultsEndWhenTheirDurationIsOverAndTheLogSaysWhen() throws Exception {
    FaultRecord r =
        sim.inject(FaultSpec.of(FaultKind.HTTP_ERROR, agent.id(), Duration.ofSeconds(5)));
    assertThat(Http.get(agentUrl() + "/metrics/snapshot").statusCode()).isEqualTo(500);

    advance(Duration.ofSeconds(5));

    assertThat(Http.get(agentUrl() + "/metrics/snapshot").statusCode()).isEqualTo(200);
    FaultRecord ended =
        sim.faults().stream().filter(f -> f.id() == r.id()).findFirst().orElseThrow();
    assertThat(ended.endedAt()).isEqualTo(r.startedAt().plusSeconds(5));
    assertThat(ended.nodes()).containsExactly(agent.id());
  }

  @Test
  void downLeaderFailsOverAndComesBackAsFollower() throws Exception {
    String leader = leaderUrl();
    FaultRecord down = sim.inject(FaultSpec.of(FaultKind.DOWN, "leader", null));

    assertThat(leaderUrl()).isNotEqualTo(leader);
    assertThatThrownBy(() -> Http.get(leader + "/metrics/snapshot"))
        .isInstanceOf(ConnectException.class);

    sim.clear(down.id());
    assertThat(Http.json(leader + "/metrics/snapshot").get("master/elected").asDouble()).isZero();
  }

  @Test
  void allAgentsHungIsOneFaultOnEveryAgent() throws Exception {
    FaultRecord r = sim.inject(FaultSpec.of(FaultKind.HUNG, "all-agents", null));

    assertThat(r.nodes()).hasSize(8);
    for (SimAgent a : sim.cluster().agents()) {
      assertThatThrownBy(
              () -> Http.get(sim.agentUrl(a) + "/metrics/snapshot", Duration.ofMillis(200)))
          .isInstanceOf(HttpTimeoutException.class);
    }
    assertThat(Http.json(leaderUrl() + "/metrics/snapshot").get("master/elected").asDouble())
        .isEqualTo(1.0);
  }

  // ------------------------------------------------------------ helpers

  void advance(Duration d) {
    clock.advance(d);
    sim.cluster().tick();
  }

  void injectOnAgent(FaultKind kind, Map<String, String> params) {
    sim.inject(new FaultSpec(kind, agent.id(), null, params));
  }

  String agentUrl() {
    return sim.agentUrl(agent);
  }

  String leaderUrl() {
    return "http://" + sim.cluster().leader().orElseThrow().hostPort();
  }

  double agentMetric(String key) throws Exception {
    return Http.json(agentUrl() + "/metrics/snapshot").get(key).asDouble();
  }

  double leaderMetric(String key) throws Exception {
    return Http.json(leaderUrl() + "/metrics/snapshot").get(key).asDouble();
  }

  JsonNode slaves() throws Exception {
    return Http.json(leaderUrl() + "/master/slaves").get("slaves");
  }

  JsonNode slaveEntry() throws Exception {
    for (JsonNode s : slaves()) {
      if (s.get("id").asText().equals(agent.id())) {
        return s;
      }
    }
    throw new AssertionError("agent " + agent.id() + " not in /master/slaves");
  }

  String appWithChecks() throws Exception {
    for (JsonNode app : Http.json(sim.marathonUrl() + "/v2/apps").get("apps")) {
      if (!app.get("healthChecks").isEmpty()) {
        return app.get("id").asText();
      }
    }
    throw new AssertionError("no app with health checks");
  }

  JsonNode tasksOf(String appId) throws Exception {
    for (JsonNode app : Http.json(sim.marathonUrl() + "/v2/apps?embed=apps.tasks").get("apps")) {
      if (app.get("id").asText().equals(appId)) {
        assertThat(app.get("tasks")).isNotEmpty();
        return app.get("tasks");
      }
    }
    throw new AssertionError("no app " + appId);
  }
}
