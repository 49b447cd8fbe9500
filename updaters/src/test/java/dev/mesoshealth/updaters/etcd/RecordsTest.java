package dev.mesoshealth.updaters.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesoshealth.events.EndpointHealth;
import dev.mesoshealth.events.EndpointStatus;
import dev.mesoshealth.events.HealthState;
import dev.mesoshealth.events.HealthStatus;
import dev.mesoshealth.events.NodeRef;
import dev.mesoshealth.events.NodeRole;
import dev.mesoshealth.testkit.SampleEvents;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which etcd records the topics justify, and the writes that get etcd there. */
class RecordsTest {
  private final Records records = new Records("/mh/", "");

  private static EndpointHealth endpoint(String task, EndpointStatus status) {
    EndpointHealth e = SampleEvents.endpointHealth(task, "S1");
    e.setStatus(status);
    e.setIp("10.0.0.5");
    e.setPort(31005);
    return e;
  }

  private static Map<String, HealthState> states() {
    Map<String, HealthState> s = new LinkedHashMap<>();
    s.put("S1", SampleEvents.healthState("S1"));
    HealthState master = SampleEvents.healthState("m");
    master.setNode(new NodeRef("prod", NodeRole.MASTER, "master:m:5050", "m", "m:5050"));
    s.put("master:m:5050", master);
    HealthState cluster = SampleEvents.healthState("c");
    cluster.setNode(new NodeRef("prod", NodeRole.CLUSTER, "cluster:prod", "prod", ""));
    cluster.setState(HealthStatus.HEALTHY);
    cluster.setReasons(List.of());
    s.put("cluster:prod", cluster);
    return s;
  }

  @Test
  void agentsClustersAndUpEndpointsHaveRecords() {
    Map<String, String> d =
        records.desired(
            states(),
            List.of(
                endpoint("t1", EndpointStatus.UP),
                endpoint("t2", EndpointStatus.DRAIN),
                endpoint("t3", EndpointStatus.DOWN)));

    assertThat(d)
        .containsOnlyKeys(
            "/mh/health/agents/S1", "/mh/health/clusters/prod", "/mh/services/web/frontend/t1");
    assertThat(d.get("/mh/services/web/frontend/t1")).isEqualTo("10.0.0.5:31005");
    assertThat(d.get("/mh/health/agents/S1"))
        .isEqualTo(
            "{\"state\":\"UNHEALTHY\",\"since\":\"2026-11-25T12:00:00Z\",\"hostname\":\"agent-S1\","
                + "\"cluster\":\"prod\",\"reasons\":[{\"rule\":\"agent.unregistered\","
                + "\"severity\":\"UNHEALTHY\",\"message\":\"The agent is not registered with a"
                + " master\"}]}");
    assertThat(d.get("/mh/health/clusters/prod")).contains("\"state\":\"HEALTHY\"");
  }

  @Test
  void anotherClustersRecordsAreNotOurs() {
    Records onlyOther = new Records("/mh", "other");

    assertThat(onlyOther.desired(states(), List.of(endpoint("t1", EndpointStatus.UP)))).isEmpty();
  }

  @Test
  void theDiffWritesWhatChangedAndDeletesWhatIsNoLongerJustified() {
    Map<String, String> current =
        Map.of(
            "/mh/a", "1", // unchanged
            "/mh/b", "old", // changed
            "/mh/stale", "x"); // no longer justified
    Map<String, String> desired = Map.of("/mh/a", "1", "/mh/b", "new", "/mh/c", "3");

    Records.Diff d = Records.diff(desired, current, Set.of());

    assertThat(d.puts()).containsExactly(Map.entry("/mh/b", "new"), Map.entry("/mh/c", "3"));
    assertThat(d.deletes()).containsExactly("/mh/stale");
  }

  @Test
  void aRecordUnderSomeoneElsesLeaseIsRewrittenUnderOurs() {
    Records.Diff d = Records.diff(Map.of("/mh/a", "1"), Map.of("/mh/a", "1"), Set.of("/mh/a"));

    assertThat(d.puts()).containsOnlyKeys("/mh/a");
    assertThat(Records.diff(Map.of("/mh/a", "1"), Map.of("/mh/a", "1"), Set.of()).isEmpty())
        .isTrue();
  }
}
