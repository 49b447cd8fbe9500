package dev.mesoshealth.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mesoshealth.sim.cluster.FaultKind;
import dev.mesoshealth.sim.cluster.FaultSpec;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The simulator answers like Mesos 1.x: same key sets and layouts as real captures, same leader
 * rules.
 */
class SimulatorEndpointsTest {
  private static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));
  private static MesosSimulator sim;

  @BeforeAll
  static void start() {
    sim = MesosSimulator.start(SimConfig.forTests(3, 12, 7), CLOCK);
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  private static JsonNode fixture(String name) throws IOException {
    try (InputStream in = SimulatorEndpointsTest.class.getResourceAsStream("/fixtures/" + name)) {
      return Http.JSON.readTree(in);
    }
  }

  private static Set<String> keys(JsonNode node) {
    Set<String> keys = new HashSet<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      keys.add(it.next());
    }
    return keys;
  }

  private static String leaderUrl() {
    return "http://" + sim.cluster().leader().orElseThrow().hostPort();
  }

  private static String followerUrl() {
    return sim.cluster().masters().stream()
        .filter(m -> !sim.cluster().isElected(m))
        .map(m -> "http://" + m.hostPort())
        .findFirst()
        .orElseThrow();
  }

  @Test
  void leaderSnapshotHasEveryKeyOfARealMasterSnapshot() throws Exception {
    Set<String> real = keys(fixture("asgard-master-1.4.1-metrics-snapshot.json"));

    JsonNode snapshot = Http.json(leaderUrl() + "/metrics/snapshot");

    assertThat(keys(snapshot)).containsAll(real);
    assertThat(snapshot.get("master/elected").asDouble()).isEqualTo(1.0);
  }

  @Test
  void agentSnapshotHasEveryKeyOfARealAgentSnapshot() throws Exception {
    Set<String> real = keys(fixture("asgard-agent-1.4.1-metrics-snapshot.json"));

    JsonNode snapshot =
        Http.json(sim.agentUrl(sim.cluster().agents().get(0)) + "/metrics/snapshot");

    assertThat(keys(snapshot)).containsAll(real).contains("gc/path_removals_succeeded");
    assertThat(snapshot.get("slave/registered").asDouble()).isEqualTo(1.0);
  }

  @Test
  void followersAnswerSnapshotsWithElectedZero() throws Exception {
    JsonNode snapshot = Http.json(followerUrl() + "/metrics/snapshot");

    assertThat(snapshot.get("master/elected").asDouble()).isZero();
    assertThat(keys(snapshot))
        .contains("master/uptime_secs", "system/load_1min", "system/mem_free_bytes");
  }

  @Test
  void slavesHaveEveryFieldOfARealSlavesResponse() throws Exception {
    JsonNode real = fixture("asgard-master-1.4.1-slaves.json");
    JsonNode ours = Http.json(leaderUrl() + "/master/slaves");

    assertThat(keys(ours)).containsAll(keys(real));
    assertThat(ours.get("slaves")).hasSize(12);
    for (JsonNode agent : ours.get("slaves")) {
      assertThat(keys(agent)).containsAll(keys(real.get("slaves").get(0)));
      assertThat(keys(agent)).contains("domain", "deactivated");
      String pid = agent.get("pid").asText();
      assertThat(pid).matches("slave\\(1\\)@127\\.1\\.\\d+\\.\\d+:\\d+");
      JsonNode snapshot =
          Http.json("http://" + pid.substring(pid.indexOf('@') + 1) + "/metrics/snapshot");
      assertThat(snapshot.has("slave/uptime_secs")).as("agent answers at its pid " + pid).isTrue();
    }
  }

  @Test
  void marathonTasksHaveEveryFieldOfARealMarathonResponse() throws Exception {
    JsonNode realApp =
        fixture("marathon-lb-v2-apps-embed-tasks-health-2016.json").get("apps").get(0);
    JsonNode apps = Http.json(sim.marathonUrl() + "/v2/apps?embed=apps.tasks").get("apps");

    assertThat(apps).isNotEmpty();
    Set<String> realTaskKeys = keys(realApp.get("tasks").get(0));
    JsonNode withChecks = null;
    for (JsonNode app : apps) {
      assertThat(keys(app))
          .contains(
              "id",
              "instances",
              "portDefinitions",
              "healthChecks",
              "labels",
              "tasks",
              "tasksHealthy");
      for (JsonNode task : app.get("tasks")) {
        Set<String> expected = new HashSet<>(realTaskKeys);
        if (app.get("healthChecks").isEmpty()) {
          expected.remove("healthCheckResults");
        } else {
          withChecks = task;
        }
        assertThat(keys(task)).containsAll(expected).contains("state", "servicePorts");
      }
    }
    assertThat(withChecks).as("some app has health checks").isNotNull();
    assertThat(keys(withChecks.get("healthCheckResults").get(0)))
        .containsAll(keys(realApp.get("tasks").get(0).get("healthCheckResults").get(0)));
    assertThat(Http.json(sim.marathonUrl() + "/v2/tasks").get("tasks")).isNotEmpty();
  }

  @Test
  void redirectPointsAtTheLeader() throws Exception {
    HttpResponse<String> r = Http.get(followerUrl() + "/master/redirect");

    assertThat(r.statusCode()).isEqualTo(307);
    assertThat(r.headers().firstValue("Location"))
        .hasValue("//" + sim.cluster().leader().orElseThrow().hostPort());
  }

  @Test
  void leaderOnlyEndpointsRedirectFromFollowersAndFailWithoutALeader() throws Exception {
    HttpResponse<String> slaves = Http.get(followerUrl() + "/master/slaves");
    assertThat(slaves.statusCode()).isEqualTo(307);
    assertThat(slaves.headers().firstValue("Location"))
        .hasValue("//" + sim.cluster().leader().orElseThrow().hostPort() + "/master/slaves");
    assertThat(
            Http.get(followerUrl() + "/state-summary")
                .headers()
                .firstValue("Location")
                .orElseThrow())
        .endsWith("/master/state-summary");
    assertThat(Http.get(leaderUrl() + "/master/state-summary").statusCode()).isEqualTo(200);

    String anyMaster = sim.masterUrls().get(1);
    var noLeader = sim.inject(FaultSpec.of(FaultKind.NO_LEADER, null, null));
    try {
      assertThat(Http.get(anyMaster + "/master/redirect").statusCode()).isEqualTo(503);
      assertThat(Http.get(anyMaster + "/master/slaves").statusCode()).isEqualTo(503);
      for (String url : sim.masterUrls()) {
        assertThat(Http.json(url + "/metrics/snapshot").get("master/elected").asDouble()).isZero();
      }
    } finally {
      sim.clear(noLeader.id());
    }
    assertThat(Http.get(anyMaster + "/master/redirect").statusCode()).isEqualTo(307);
    // the new leader waits for its agents to re-register: let them, for the other tests
    assertThat(Http.json(leaderUrl() + "/master/slaves").path("recovered_slaves")).hasSize(12);
    CLOCK.advance(Duration.ofMinutes(3).plusSeconds(1));
    sim.cluster().tick();
    assertThat(Http.json(leaderUrl() + "/master/slaves").path("slaves")).hasSize(12);
  }

  @Test
  void agentStateAndHealthAnswer() throws Exception {
    var agent = sim.cluster().agents().get(1);

    JsonNode state = Http.json(sim.agentUrl(agent) + "/state");

    assertThat(state.get("id").asText()).isEqualTo(agent.id());
    assertThat(state.get("frameworks")).hasSize(2);
    assertThat(Http.get(sim.agentUrl(agent) + "/health").statusCode()).isEqualTo(200);
    assertThat(Http.get(sim.agentUrl(agent) + "/nope").statusCode()).isEqualTo(404);
  }
}
