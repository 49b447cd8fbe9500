package dev.mesoshealth.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mesoshealth.sim.cluster.FaultKind;
import dev.mesoshealth.sim.cluster.FaultRecord;
import dev.mesoshealth.sim.cluster.FaultSpec;
import dev.mesoshealth.sim.cluster.SimAgent;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * POST /api/v1 SUBSCRIBE answered as a Mesos 1.x leader does: RecordIO, SUBSCRIBED with the full
 * state, agent events as they happen, HEARTBEAT, 307 from a follower, the stream ended when the
 * leadership moves; every field the simulator writes is one the real 1.9 capture has.
 */
class OperatorApiTest {
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T10:00:00Z"));
  private MesosSimulator sim;

  @BeforeEach
  void start() {
    sim = MesosSimulator.start(SimConfig.forTests(3, 6, 11), clock);
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  private HttpResponse<InputStream> subscribe(String master) throws Exception {
    return CLIENT.send(
        HttpRequest.newBuilder(URI.create("http://" + master + "/api/v1"))
            .timeout(Duration.ofSeconds(5))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"type\": \"SUBSCRIBE\"}"))
            .build(),
        HttpResponse.BodyHandlers.ofInputStream());
  }

  /** One RecordIO record ("<length>\n<json>"), or null at the end of the stream. */
  private static JsonNode next(InputStream in) throws IOException {
    StringBuilder length = new StringBuilder();
    int b;
    while ((b = in.read()) != '\n') {
      if (b < 0) {
        return null;
      }
      length.append((char) b);
    }
    byte[] record = in.readNBytes(Integer.parseInt(length.toString()));
    return Http.JSON.readTree(new String(record, StandardCharsets.UTF_8));
  }

  /** Reads events until one of the type; every task event on the way must be shaped as Mesos'. */
  private static JsonNode nextOf(InputStream in, String type) throws IOException {
    while (true) {
      JsonNode event = next(in);
      if (event == null) {
        return null;
      }
      String seen = event.path("type").asText();
      if (seen.equals("TASK_ADDED")) {
        assertThat(paths(event, "")).isSubsetOf(paths(capture("1.9.0", 4), ""));
      } else if (seen.equals("TASK_UPDATED")) {
        assertThat(paths(event, "")).isSubsetOf(paths(capture("1.9.0", 7), ""));
      }
      if (seen.equals(type)) {
        return event;
      }
    }
  }

  private static Set<String> paths(JsonNode node, String prefix) {
    Set<String> out = new TreeSet<>();
    if (node.isObject()) {
      for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
        String key = it.next();
        out.add(prefix + "/" + key);
        out.addAll(paths(node.get(key), prefix + "/" + key));
      }
    } else if (node.isArray()) {
      node.forEach(e -> out.addAll(paths(e, prefix + "[]")));
    }
    return out;
  }

  /** An event of a real capture: 1.5.0 (registered agents), 1.9.0 (after a failover). */
  private static JsonNode capture(String version, int line) throws IOException {
    String name =
        version.equals("1.5.0")
            ? "dcos-net-operator-api-subscribe-1.5.0.jsonl"
            : "dcos-net-operator-api-subscribe-1.9.0-recovered-agents.jsonl";
    try (InputStream in = OperatorApiTest.class.getResourceAsStream("/fixtures/" + name)) {
      return Http.JSON.readTree(
          new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")[line]);
    }
  }

  private static Set<String> realSubscribedPaths() throws IOException {
    Set<String> real = paths(capture("1.5.0", 0).path("subscribed"), "");
    real.addAll(paths(capture("1.9.0", 0).path("subscribed"), ""));
    // the same Agent message as AGENT_ADDED's, which has 1.9's fields (deactivated)
    real.addAll(
        paths(
            capture("1.9.0", 2).path("agent_added").path("agent"),
            "/get_state/get_agents/agents[]"));
    return real;
  }

  @Test
  void theLeaderStreamsTheStateThenAgentEventsShapedAsARealMasterWritesThem() throws Exception {
    String leader = sim.cluster().leader().orElseThrow().hostPort();
    HttpResponse<InputStream> r = subscribe(leader);
    assertThat(r.statusCode()).isEqualTo(200);
    try (InputStream in = r.body()) {
      JsonNode subscribed = next(in);
      assertThat(subscribed.path("type").asText()).isEqualTo("SUBSCRIBED");
      JsonNode agents = subscribed.path("subscribed").path("get_state").path("get_agents");
      assertThat(agents.path("agents").size()).isEqualTo(6);
      assertThat(subscribed.path("subscribed").path("heartbeat_interval_seconds").asDouble())
          .isEqualTo(15.0);
      assertThat(paths(subscribed.path("subscribed"), ""))
          .as("SUBSCRIBED: every field the simulator writes is in the real capture")
          .isSubsetOf(realSubscribedPaths())
          .isNotEmpty();

      SimAgent leaving = sim.cluster().agents().get(2);
      sim.inject(FaultSpec.of(FaultKind.AGENT_REMOVED, leaving.id(), null));
      JsonNode removed = nextOf(in, "AGENT_REMOVED");
      assertThat(removed.path("type").asText()).isEqualTo("AGENT_REMOVED");
      assertThat(removed.path("agent_removed").path("agent_id").path("value").asText())
          .isEqualTo(leaving.id());

      FaultRecord added = sim.inject(FaultSpec.of(FaultKind.AGENT_ADDED, null, null));
      JsonNode agentAdded = nextOf(in, "AGENT_ADDED");
      assertThat(agentAdded.path("type").asText()).isEqualTo("AGENT_ADDED");
      JsonNode agent = agentAdded.path("agent_added").path("agent");
      assertThat(agent.path("agent_info").path("id").path("value").asText())
          .isEqualTo(added.nodes().get(0));
      assertThat(agent.path("pid").asText()).startsWith("slave(1)@127.");
      assertThat(paths(agent, ""))
          .as("AGENT_ADDED: every field the simulator writes is in the real capture")
          .isSubsetOf(paths(capture("1.9.0", 2).path("agent_added").path("agent"), ""));

      clock.advance(Duration.ofSeconds(15));
      sim.cluster().tick();
      assertThat(nextOf(in, "HEARTBEAT")).isNotNull();

      sim.inject(FaultSpec.of(FaultKind.MASTER_FAILOVER, null, null));
      assertThat(nextOf(in, "NONE"))
          .as("a leader that loses the leadership ends its streams")
          .isNull();
    }
  }

  @Test
  void anAgentMarkedUnreachableTakesItsMarathonTasksWithIt() throws Exception {
    SimAgent cut =
        sim.cluster().agents().stream()
            .filter(a -> renderedTasksOn(a) > 0)
            .findFirst()
            .orElseThrow();
    HttpResponse<InputStream> r = subscribe(sim.cluster().leader().orElseThrow().hostPort());
    try (InputStream in = r.body()) {
      nextOf(in, "SUBSCRIBED");
      sim.inject(FaultSpec.of(FaultKind.AGENT_PARTITIONED, cut.id(), null));
      clock.advance(Duration.ofSeconds(76));
      sim.cluster().tick();
      assertThat(
              nextOf(in, "AGENT_REMOVED")
                  .path("agent_removed")
                  .path("agent_id")
                  .path("value")
                  .asText())
          .isEqualTo(cut.id());
      JsonNode update = nextOf(in, "TASK_UPDATED");
      assertThat(update.path("task_updated").path("state").asText()).isEqualTo("TASK_UNREACHABLE");
      assertThat(update.path("task_updated").path("status").path("agent_id").path("value").asText())
          .isEqualTo(cut.id());
    }
  }

  private int renderedTasksOn(SimAgent a) {
    try {
      int n = 0;
      for (JsonNode t : Http.JSON.readTree(sim.cluster().renderMarathonTasks()).path("tasks")) {
        if (a.id().equals(t.path("slaveId").asText())) {
          n++;
        }
      }
      return n;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void aFollowerRedirectsToTheLeaderAndOnlySubscribeIsAnswered() throws Exception {
    String leader = sim.cluster().leader().orElseThrow().hostPort();
    String follower =
        sim.cluster().masters().stream()
            .filter(m -> !sim.cluster().isElected(m))
            .findFirst()
            .orElseThrow()
            .hostPort();
    HttpResponse<InputStream> r = subscribe(follower);
    r.body().close();
    assertThat(r.statusCode()).isEqualTo(307);
    assertThat(r.headers().firstValue("Location")).hasValue("//" + leader + "/api/v1");

    HttpResponse<String> other =
        Http.send("POST", "http://" + leader + "/api/v1", "{\"type\":\"GET_HEALTH\"}");
    assertThat(other.statusCode()).isEqualTo(400);
    assertThat(Http.get("http://" + leader + "/api/v1").statusCode()).isEqualTo(405);
  }
}
