package dev.mesoshealth.processor.query;

import static dev.mesoshealth.processor.topology.TopologyHarness.t;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mesoshealth.processor.topology.TopologyHarness;
import dev.mesoshealth.service.HttpApi;
import dev.mesoshealth.service.HttpApi.Response;
import dev.mesoshealth.testkit.OpenApiContract;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The processor's REST API against its published contract, docs/openapi.yaml: every route served is
 * documented and every documented route is served, and every answer (successes and errors) matches
 * the schema the document gives for its status.
 */
class OpenApiContractTest {
  private static final Path SPEC = Path.of("..", "docs", "openapi.yaml");
  private static final HostInfo SELF = new HostInfo("127.0.0.1", 1);

  /** One request per documented route and status, against the fixture below. */
  private static final List<String> REQUESTS =
      List.of(
          "200 /v1/nodes",
          "200 /v1/nodes?role=AGENT&state=UNREACHABLE,HEALTHY&limit=2",
          "400 /v1/nodes?state=POORLY",
          "200 /v1/nodes/a3/health",
          "200 /v1/nodes/a4/health",
          "200 /v1/nodes/master:10.0.1.1:5050/health",
          "404 /v1/nodes/nobody/health",
          "200 /v1/nodes/a1/history",
          "400 /v1/nodes/a1/history?from=yesterday",
          "404 /v1/nodes/nobody/history",
          "200 /v1/clusters",
          "200 /v1/clusters/prod/health",
          "404 /v1/clusters/elsewhere/health",
          "200 /v1/metrics/mesos.slave.tasks_running",
          "200 /v1/metrics/slave%2Ftasks_running?node=a1",
          "404 /v1/metrics/no.such.metric",
          "200 /v1/capacity",
          "200 /v1/capacity?kind=ZONE",
          "400 /v1/capacity?kind=SHELF",
          "200 /v1/capacity/prod",
          "404 /v1/capacity/prod%2Fzone%3Dz9",
          "200 /v1/capacity/prod%2Frack%3Dr1/forecast",
          "404 /v1/capacity/prod%2Fzone%3Dz9/forecast",
          "200 /v1/endpoints",
          "200 /v1/endpoints?status=UP&app=/web/frontend",
          "400 /v1/endpoints?status=SIDEWAYS");

  private TopologyHarness topology;
  private HttpApi api;

  @BeforeEach
  void feed() {
    topology = new TopologyHarness();
    DriverStreams streams = new DriverStreams(topology.driver, SELF);
    api =
        new ProcessorApi(
                streams, SELF, null, false, topology.settings, Clock.fixed(t(720), ZoneOffset.UTC))
            .routes();
    TwelveMinutes.feed(topology);
  }

  @AfterEach
  void close() {
    topology.close();
  }

  @Test
  void everyRouteServedIsDocumentedAndEveryDocumentedRouteIsServed() throws Exception {
    Set<String> documented = new TreeSet<>();
    OpenApiContract.read(SPEC).paths().forEach(p -> documented.add("GET " + p));
    documented.removeIf(p -> !p.startsWith("GET /v1/")); // /health, /metrics: the admin server's
    assertThat(new TreeSet<>(api.patterns())).isEqualTo(documented);
  }

  @Test
  void everyAnswerMatchesItsSchema() throws Exception {
    OpenApiContract contract = OpenApiContract.read(SPEC);
    Set<String> exercised = new TreeSet<>();
    List<String> mismatches = new ArrayList<>();
    for (String request : REQUESTS) {
      int status = Integer.parseInt(request.substring(0, 3));
      String pathAndQuery = request.substring(4);
      Response r = get(pathAndQuery);
      JsonNode body = HttpApi.JSON.readTree(r.body());
      assertThat(r.status()).as("%s answered %s", request, body).isEqualTo(status);
      String template = contract.template(pathAndQuery);
      exercised.add(template + " " + status);
      contract.violations(template, status, body).forEach(v -> mismatches.add(request + ": " + v));
    }
    assertThat(mismatches).isEmpty();
    Set<String> documented = contract.answers();
    documented.removeIf(d -> !d.startsWith("/v1/") || d.endsWith(" 503"));
    assertThat(exercised).as("every documented answer but 503 is exercised").isEqualTo(documented);
  }

  private Response get(String pathAndQuery) {
    return TwelveMinutes.get(api, pathAndQuery);
  }
}
