package dev.mesoshealth.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mesoshealth.sim.cluster.SimAgent;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Mesos maintenance on the simulated leader: schedule, DRAINING, DOWN, UP (docs/maintenance.md).
 */
class MaintenanceEndpointsTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T10:00:00Z"));
  private MesosSimulator sim;
  private String leader;

  @BeforeEach
  void start() {
    sim = MesosSimulator.start(SimConfig.forTests(3, 4, 5), clock);
    leader = "http://" + sim.cluster().leader().orElseThrow().hostPort();
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  private JsonNode get(String path) throws Exception {
    var r = Http.get(leader + path);
    assertThat(r.statusCode()).as(path).isEqualTo(200);
    return Http.JSON.readTree(r.body());
  }

  @Test
  void aScheduledMachineDrainsGoesDownWithItsAgentAndComesBackUp() throws Exception {
    SimAgent agent = sim.cluster().agents().get(1);
    String machine = "{\"hostname\":\"" + agent.hostname() + "\",\"ip\":\"" + agent.ip() + "\"}";
    long start = Instant.parse("2026-12-06T11:00:00Z").toEpochMilli() * 1_000_000L;
    String schedule =
        "{\"windows\":[{\"machine_ids\":["
            + machine
            + "],\"unavailability\":{\"start\":{\"nanoseconds\":"
            + start
            + "},\"duration\":{\"nanoseconds\":3600000000000}}}]}";

    assertThat(Http.send("POST", leader + "/maintenance/schedule", schedule).statusCode())
        .isEqualTo(200);
    JsonNode window = get("/maintenance/schedule").path("windows").get(0);
    assertThat(window.path("machine_ids").get(0).path("hostname").asText())
        .isEqualTo(agent.hostname());
    assertThat(window.path("unavailability").path("start").path("nanoseconds").asLong())
        .isEqualTo(start);
    assertThat(
            get("/maintenance/status")
                .path("draining_machines")
                .get(0)
                .path("id")
                .path("ip")
                .asText())
        .isEqualTo(agent.ip());

    assertThat(Http.send("POST", leader + "/machine/down", "[" + machine + "]").statusCode())
        .isEqualTo(200);
    assertThat(get("/maintenance/status").path("down_machines").get(0).path("ip").asText())
        .isEqualTo(agent.ip());
    assertThat(get("/master/slaves").findValuesAsText("id")).doesNotContain(agent.id());
    assertThat(agent.listening()).isFalse();
    assertThat(Http.send("POST", leader + "/maintenance/schedule", "{\"windows\":[]}").statusCode())
        .as("a DOWN machine stays in the schedule")
        .isEqualTo(400);

    assertThat(Http.send("POST", leader + "/machine/up", "[" + machine + "]").statusCode())
        .isEqualTo(200);
    assertThat(get("/master/slaves").findValuesAsText("id")).contains(agent.id());
    assertThat(agent.listening()).isTrue();
    assertThat(get("/maintenance/schedule").path("windows")).isEmpty();
    assertThat(Http.send("POST", leader + "/machine/down", "[" + machine + "]").statusCode())
        .as("only a scheduled machine goes down")
        .isEqualTo(400);
  }
}
