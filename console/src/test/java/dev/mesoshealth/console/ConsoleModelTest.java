package dev.mesoshealth.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesoshealth.console.model.ConsoleModel;
import dev.mesoshealth.events.AgentInventory;
import dev.mesoshealth.events.CapacityTrend;
import dev.mesoshealth.events.EndpointStatus;
import dev.mesoshealth.events.HealthState;
import dev.mesoshealth.events.HealthStatus;
import dev.mesoshealth.events.HealthTransition;
import dev.mesoshealth.events.MetricSnapshot;
import dev.mesoshealth.events.NodeRef;
import dev.mesoshealth.events.NodeRole;
import dev.mesoshealth.service.HttpApi;
import dev.mesoshealth.testkit.SampleEvents;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Events in, view state out: what the page is sent on connect and as changes. */
class ConsoleModelTest {
  private static final Instant T = SampleEvents.AT;
  private final ConsoleModel model = new ConsoleModel(3, 5);

  private static HealthState state(String id, HealthStatus s) {
    HealthState h = SampleEvents.healthState(id);
    h.setState(s);
    return h;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> list(Map<String, Object> view, String field) {
    return (List<Map<String, Object>>) view.get(field);
  }

  /** A view as the page gets it: its JSON. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> json(Object view) {
    return HttpApi.JSON.convertValue(view, Map.class);
  }

  @Test
  void nodesCarryStateReasonsAndTheirAgentsAttributes() {
    model.health("S1", state("S1", HealthStatus.UNHEALTHY), T);
    AgentInventory a = SampleEvents.agentInventory("S1");
    model.inventory("S1", a, T);
    model.inventory("S2", SampleEvents.agentInventory("S2"), T); // no state yet: not shown

    Map<String, Object> node = list(json(model.fullView()), "nodes").get(0);

    assertThat(list(json(model.fullView()), "nodes")).hasSize(1);
    assertThat(node).containsEntry("id", "S1").containsEntry("state", "UNHEALTHY");
    assertThat(node.get("attributes")).isEqualTo(new java.util.TreeMap<>(a.getAttributes()));
    assertThat(list(node, "reasons").get(0))
        .containsEntry("message", "The agent is not registered with a master");
  }

  @Test
  void anAgentInAMaintenanceWindowShowsTheWindow() {
    model.health("S1", state("S1", HealthStatus.DRAINING), T);
    AgentInventory a = SampleEvents.agentInventory("S1");
    a.setMaintenanceMode("DRAINING");
    a.setMaintenanceStart(Instant.parse("2026-12-07T02:00:00Z"));
    a.setMaintenanceEnd(Instant.parse("2026-12-07T03:00:00Z"));
    model.inventory("S1", a, T);
    model.health("S2", state("S2", HealthStatus.HEALTHY), T);
    model.inventory("S2", SampleEvents.agentInventory("S2"), T);

    List<Map<String, Object>> nodes = list(json(model.fullView()), "nodes");
    Map<String, Object> s1 =
        nodes.stream().filter(n -> n.get("id").equals("S1")).findFirst().orElseThrow();
    assertThat(s1.get("maintenance"))
        .isEqualTo(
            Map.of(
                "mode",
                "DRAINING",
                "start",
                "2026-12-07T02:00:00Z",
                "end",
                "2026-12-07T03:00:00Z"));
    assertThat(nodes.stream().filter(n -> n.get("id").equals("S2")).findFirst().orElseThrow())
        .doesNotContainKey("maintenance");
  }

  @Test
  void changesAreDrainedOnceAndReplayToTheFullView() {
    model.health("S1", state("S1", HealthStatus.HEALTHY), T);
    model.health("S2", state("S2", HealthStatus.HEALTHY), T);
    model.drainChanges();
    assertThat(model.hasChanges()).isFalse();

    model.health("S1", state("S1", HealthStatus.UNREACHABLE), T.plusSeconds(5));
    model.health("S2", null, T.plusSeconds(6)); // forgotten (GONE, then tombstoned)
    model.health("cluster:prod", state("cluster:prod", HealthStatus.DEGRADED), T.plusSeconds(6));

    Map<String, Object> delta = json(model.drainChanges());
    assertThat(list(delta, "nodes")).extracting(n -> n.get("state")).containsExactly("UNREACHABLE");
    assertThat(delta.get("removedNodes")).isEqualTo(List.of("S2"));
    assertThat(list(delta, "clusters")).extracting(c -> c.get("state")).containsExactly("DEGRADED");
    assertThat(delta.get("lastEventAt")).isEqualTo(T.plusSeconds(6).toString());
    assertThat(model.hasChanges()).isFalse();
    assertThat(list(json(model.drainChanges()), "nodes")).isEmpty();

    // a page that had the old full view and applies the delta has the new full view
    Map<String, Map<String, Object>> page = new LinkedHashMap<>();
    page.put("S1", Map.of("state", "HEALTHY"));
    page.put("S2", Map.of("state", "HEALTHY"));
    list(delta, "nodes").forEach(n -> page.put((String) n.get("id"), n));
    ((List<?>) delta.get("removedNodes")).forEach(page::remove);
    assertThat(page.values()).containsExactlyElementsOf(list(json(model.fullView()), "nodes"));
  }

  @Test
  void transitionsAreNewestFirstAndBounded() {
    for (int i = 0; i < 5; i++) {
      HealthTransition t = SampleEvents.transition("S" + i);
      t.setAt(T.plusSeconds(i));
      model.transition(t, T.plusSeconds(i));
    }

    assertThat(list(json(model.fullView()), "transitions"))
        .extracting(t -> t.get("node"))
        .containsExactly("S4", "S3", "S2");
    assertThat(list(json(model.drainChanges()), "transitions"))
        .extracting(t -> t.get("node"))
        .containsExactly("S4", "S3", "S2", "S1", "S0");
  }

  @Test
  void mastersShowTheirGaugesAndWhetherTheyLead() {
    NodeRef master = new NodeRef("prod", NodeRole.MASTER, "master:m1:5050", "m1", "m1:5050");
    HealthState s = state("m", HealthStatus.HEALTHY);
    s.setNode(master);
    model.health("master:m1:5050", s, T);
    Map<String, Double> metrics = new HashMap<>();
    metrics.put("mesos.registrar.state_store_ms.p99", 12.5);
    metrics.put("mesos.stats.uptime_secs", 3600.0);
    metrics.put("mesos.cluster.frameworks_active", 2.0);
    metrics.put("mesos.something.else", 1.0);
    MetricSnapshot snap = SampleEvents.snapshot("x");
    snap.setNode(master);
    snap.setElected(true);
    snap.setMetrics(metrics);
    model.drainChanges();

    model.snapshot(snap, T.plusSeconds(1));

    Map<String, Object> m = list(json(model.drainChanges()), "nodes").get(0);
    assertThat(m).containsEntry("elected", true);
    assertThat(m.get("gauges"))
        .isEqualTo(
            Map.of("mesos.registrar.state_store_ms.p99", 12.5, "mesos.stats.uptime_secs", 3600.0));
    assertThat(json(model.nodeDetail("master:m1:5050")).get("metrics"))
        .isEqualTo(
            Map.of(
                "mesos.registrar.state_store_ms.p99", 12.5,
                "mesos.stats.uptime_secs", 3600.0,
                "mesos.cluster.frameworks_active", 2.0));
    // the same values again change nothing on the page
    model.snapshot(snap, T.plusSeconds(2));
    assertThat(list(json(model.drainChanges()), "nodes")).isEmpty();
  }

  @Test
  void agentSnapshotsFeedTheDetailButAreNotStreamed() {
    model.health("S1", state("S1", HealthStatus.HEALTHY), T);
    model.drainChanges();
    MetricSnapshot snap = SampleEvents.snapshot("S1");
    snap.setMetrics(Map.of("mesos.slave.tasks_running", 7.0));

    model.snapshot(snap, T.plusSeconds(1));

    assertThat(model.hasChanges()).isFalse();
    assertThat(json(model.nodeDetail("S1")).get("metrics"))
        .isEqualTo(Map.of("mesos.slave.tasks_running", 7.0));
    assertThat(model.nodeDetail("nope")).isNull();
  }

  @Test
  void capacityKeepsABoundedHistoryPerGroup() {
    for (int i = 0; i < 7; i++) {
      CapacityTrend t = SampleEvents.capacityTrend();
      t.setWindowEnd(T.plusSeconds(60L * (i + 1)));
      t.getResources().get(0).setUsedRatio(0.1 * i);
      model.capacity("prod", t, T.plusSeconds(60L * (i + 1)));
    }

    Map<String, Object> group = list(json(model.fullView()), "capacity").get(0);
    assertThat(group).containsEntry("group", "prod");
    assertThat(list(group, "history")).hasSize(5);
    assertThat(list(group, "history").get(4).get("cpus")).isEqualTo(0.1 * 6);
    assertThat(((Map<?, ?>) group.get("latest")).get("agents")).isEqualTo(10);
  }

  @Test
  void endpointsComeAndGoAndShowOnTheirAgent() {
    model.health("S1", state("S1", HealthStatus.HEALTHY), T);
    model.endpoint("/web|t1", SampleEvents.endpointHealth("t1", "S1"), T);
    model.endpoint("/web|t2", SampleEvents.endpointHealth("t2", "S1"), T);
    model.drainChanges();

    model.endpoint("/web|t2", null, T.plusSeconds(1));

    Map<String, Object> delta = json(model.drainChanges());
    assertThat(delta.get("removedEndpoints")).isEqualTo(List.of("/web|t2"));
    assertThat(list(json(model.fullView()), "endpoints")).hasSize(1);
    assertThat(list(json(model.nodeDetail("S1")), "endpoints"))
        .extracting(e -> e.get("taskId"), e -> e.get("status"))
        .containsExactly(org.assertj.core.groups.Tuple.tuple("t1", EndpointStatus.UP.name()));
  }
}
