package dev.mesoshealth.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mesoshealth.console.model.ConsoleModel;
import dev.mesoshealth.console.model.ConsoleViews;
import dev.mesoshealth.console.web.ConsoleApi;
import dev.mesoshealth.events.AgentInventory;
import dev.mesoshealth.events.HealthState;
import dev.mesoshealth.events.HealthStatus;
import dev.mesoshealth.events.MetricSnapshot;
import dev.mesoshealth.events.NodeRef;
import dev.mesoshealth.events.NodeRole;
import dev.mesoshealth.service.HttpApi;
import dev.mesoshealth.service.HttpApi.Response;
import dev.mesoshealth.testkit.OpenApiContract;
import dev.mesoshealth.testkit.SampleEvents;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The console's JSON and live events against their published contract, docs/console-openapi.yaml:
 * every route the API serves is documented, and every answer and event payload matches its schema.
 */
class ConsoleContractTest {
  private static final Path SPEC = Path.of("..", "docs", "console-openapi.yaml");
  private static final Instant T = SampleEvents.AT;

  private final ConsoleModel model = new ConsoleModel(10, 5);
  private HttpApi api;

  @BeforeEach
  void feed() throws Exception {
    URI nobody;
    try (ServerSocket closed = new ServerSocket(0)) {
      nobody = URI.create("http://127.0.0.1:" + closed.getLocalPort()); // a processor not there
    }
    api = new ConsoleApi(model, new Object(), nobody, "").routes();
    HealthState s1 = SampleEvents.healthState("S1");
    model.health("S1", s1, T);
    AgentInventory a = SampleEvents.agentInventory("S1");
    a.setMaintenanceMode("DRAIN");
    a.setMaintenanceStart(T);
    model.inventory("S1", a, T);
    HealthState master = SampleEvents.healthState("m");
    master.setNode(new NodeRef("prod", NodeRole.MASTER, "master:m1:5050", "m1", "m1:5050"));
    master.setState(HealthStatus.HEALTHY);
    master.setReasons(List.of());
    model.health("master:m1:5050", master, T);
    MetricSnapshot snap = SampleEvents.snapshot("x");
    snap.setNode(master.getNode());
    snap.setElected(true);
    snap.setMetrics(Map.of("mesos.registrar.state_store_ms.p99", 12.5));
    model.snapshot(snap, T);
    model.health("cluster:prod", SampleEvents.healthState("cluster:prod"), T);
    model.transition(SampleEvents.transition("S1"), T);
    model.capacity("prod", SampleEvents.capacityTrend(), T);
    model.endpoint("/web/frontend|t1", SampleEvents.endpointHealth("t1", "S1"), T);
  }

  @Test
  void everyApiRouteIsDocumented() throws Exception {
    Set<String> documented = new TreeSet<>();
    OpenApiContract.read(SPEC).paths().forEach(p -> documented.add("GET " + p));
    Set<String> served = new TreeSet<>(api.patterns());
    served.removeIf(p -> !p.startsWith("GET /api/")); // the page and its assets
    documented.removeIf(p -> !p.startsWith("GET /api/")); // /events: EventStream's
    assertThat(served).isEqualTo(documented);
  }

  @Test
  void everyAnswerAndEventMatchesItsSchema() throws Exception {
    OpenApiContract contract = OpenApiContract.read(SPEC);
    List<String> mismatches = new ArrayList<>();
    Set<String> exercised = new TreeSet<>();
    for (String request :
        List.of(
            "200 /api/state",
            "200 /api/nodes/S1",
            "200 /api/nodes/master:m1:5050",
            "400 /api/nodes/not%20an%20id",
            "404 /api/nodes/nobody",
            "400 /api/nodes/not%20an%20id/history",
            "502 /api/nodes/S1/history")) {
      int status = Integer.parseInt(request.substring(0, 3));
      String path = request.substring(4);
      Response r = api.dispatch("GET", path, Map.of(), Map.of(), new byte[0]);
      JsonNode body = HttpApi.JSON.readTree(r.body());
      assertThat(r.status()).as("%s answered %s", request, body).isEqualTo(status);
      String template = contract.template(path);
      exercised.add(template + " " + status);
      contract.violations(template, status, body).forEach(v -> mismatches.add(request + ": " + v));
    }
    // the live events: a delta after more changes, and the feed event
    model.health("S2", SampleEvents.healthState("S2"), T.plusSeconds(1));
    model.health("S1", null, T.plusSeconds(1));
    model.endpoint("/web/frontend|t1", null, T.plusSeconds(1));
    ConsoleViews.Changes delta = model.drainChanges();
    contract
        .violationsOf("Changes", HttpApi.JSON.valueToTree(delta))
        .forEach(v -> mismatches.add("delta: " + v));
    contract
        .violationsOf("Feed", HttpApi.JSON.valueToTree(new ConsoleViews.Feed(false, T.toString())))
        .forEach(v -> mismatches.add("feed: " + v));
    assertThat(mismatches).isEmpty();
    Set<String> documented = contract.answers();
    documented.removeIf(d -> !d.startsWith("/api/") || d.equals("/api/nodes/{id}/history 200"));
    assertThat(exercised)
        .as("every documented answer is exercised but the processor's history (ConsoleBrowserIT)")
        .isEqualTo(documented);
  }
}
