package dev.mesoshealth.sim.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mesoshealth.sim.MesosSimulator;
import dev.mesoshealth.sim.SimConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ControlApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT = HttpClient.newHttpClient();
  private static MesosSimulator sim;

  @BeforeAll
  static void start() {
    sim = MesosSimulator.start(SimConfig.forTests(3, 5, 1));
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  private static HttpResponse<String> call(String method, String path, String body)
      throws Exception {
    return CLIENT.send(
        HttpRequest.newBuilder(URI.create(sim.controlUrl() + path))
            .method(method, HttpRequest.BodyPublishers.ofString(body == null ? "" : body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void describesTheCluster() throws Exception {
    JsonNode cluster = JSON.readTree(call("GET", "/v1/cluster", null).body());

    assertThat(cluster.get("masters")).hasSize(3);
    assertThat(cluster.get("agents").asInt()).isEqualTo(5);
    assertThat(cluster.get("leader").asText()).isEqualTo(sim.masterUrls().get(0));
    assertThat(cluster.get("marathon").asText()).isEqualTo(sim.marathonUrl());
    assertThat(JSON.readTree(call("GET", "/v1/agents", null).body())).hasSize(5);
    assertThat(JSON.readTree(call("GET", "/v1/fault-kinds", null).body()).findValuesAsText("kind"))
        .contains("DOWN", "CAPACITY_RAMP");
  }

  @Test
  void injectsListsAndClearsFaults() throws Exception {
    String agentId = sim.cluster().agents().get(0).id();
    HttpResponse<String> created =
        call(
            "POST",
            "/v1/faults",
            "{\"kind\":\"http-error\",\"target\":\"" + agentId + "\",\"params\":{\"status\":503}}");

    assertThat(created.statusCode()).isEqualTo(201);
    JsonNode fault = JSON.readTree(created.body());
    assertThat(fault.get("kind").asText()).isEqualTo("HTTP_ERROR");
    assertThat(fault.get("nodes").get(0).asText()).isEqualTo(agentId);
    assertThat(fault.get("active").asBoolean()).isTrue();
    long id = fault.get("id").asLong();

    assertThat(
            JSON.readTree(call("GET", "/v1/faults?active=true", null).body())
                .findValuesAsText("id"))
        .contains(Long.toString(id));

    JsonNode cleared = JSON.readTree(call("DELETE", "/v1/faults/" + id, null).body());
    assertThat(cleared.get("active").asBoolean()).isFalse();
    assertThat(cleared.get("endedAt").isNull()).isFalse();
    assertThat(call("DELETE", "/v1/faults/" + id, null).statusCode()).isEqualTo(404);
  }

  @Test
  void badRequestsGetA4xxWithAReason() throws Exception {
    HttpResponse<String> unknownKind = call("POST", "/v1/faults", "{\"kind\":\"METEOR\"}");
    assertThat(unknownKind.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(unknownKind.body()).get("error").asText())
        .contains("unknown fault kind 'METEOR'");

    HttpResponse<String> notJson = call("POST", "/v1/faults", "kind=DOWN");
    assertThat(notJson.statusCode()).isEqualTo(400);
    assertThat(notJson.body()).contains("not JSON");

    HttpResponse<String> noSuchAgent =
        call("POST", "/v1/faults", "{\"kind\":\"DOWN\",\"target\":\"nobody\"}");
    assertThat(noSuchAgent.statusCode()).isEqualTo(400);
    assertThat(noSuchAgent.body()).contains("no agent or master 'nobody'");

    HttpResponse<String> badDuration =
        call(
            "POST",
            "/v1/faults",
            "{\"kind\":\"DOWN\",\"target\":\"random-agent\",\"duration\":\"soon\"}");
    assertThat(badDuration.statusCode()).isEqualTo(400);
    assertThat(badDuration.body()).contains("'soon' is not a duration");

    assertThat(call("PUT", "/v1/cluster", "{}").statusCode()).isEqualTo(405);
    assertThat(call("GET", "/v1/nothing", null).statusCode()).isEqualTo(404);
    assertThat(call("GET", "/v1/faults/abc", null).statusCode()).isEqualTo(400);
  }
}
