package dev.mesoshealth.processor.topology;

import static dev.mesoshealth.processor.topology.TopologyHarness.t;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mesoshealth.events.HealthStatus;
import dev.mesoshealth.events.NodeRole;
import dev.mesoshealth.events.Outcome;
import dev.mesoshealth.schemas.metrics.MetricCatalogue;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Snapshots captured from real, healthy clusters come out HEALTHY with nothing to say. */
class RealSnapshotsTopologyTest {
  private final TopologyHarness h = new TopologyHarness();

  @AfterEach
  void close() {
    h.close();
  }

  private static Map<String, Double> canonical(String fixture) throws IOException {
    try (InputStream in =
        RealSnapshotsTopologyTest.class.getResourceAsStream("/fixtures/" + fixture)) {
      Map<String, Double> raw = new HashMap<>();
      for (Map.Entry<String, JsonNode> e : new ObjectMapper().readTree(in).properties()) {
        raw.put(e.getKey(), e.getValue().asDouble());
      }
      return MetricCatalogue.standard().normalise(raw).canonical();
    }
  }

  @ParameterizedTest
  @CsvSource({
    "asgard-agent-1.4.1-metrics-snapshot.json, AGENT",
    "datadog-mesos_slave-metrics.json, AGENT",
    "asgard-master-1.4.1-metrics-snapshot.json, MASTER",
    "datadog-mesos_master-metrics.json, MASTER",
    "megos-master-1.0-metrics-snapshot.json, MASTER"
  })
  void realSnapshotsAreHealthyWithoutSpuriousReasons(String fixture, NodeRole role)
      throws IOException {
    Map<String, Double> metrics = canonical(fixture);
    String id = role == NodeRole.MASTER ? TopologyHarness.MASTERS.get(0) : "S1";
    for (int i = 0; i < 5; i++) {
      h.snapshots.pipeInput(
          id,
          TopologyHarness.snapshot(
              id,
              role,
              t(10 * i),
              Outcome.OK,
              metrics,
              role == NodeRole.MASTER ? Boolean.TRUE : null,
              null),
          t(10 * i));
    }

    assertThat(h.stateOf(id)).isEqualTo(HealthStatus.HEALTHY);
    assertThat(h.latest(id).getReasons()).isEmpty();
  }
}
