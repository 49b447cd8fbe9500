package dev.mesoshealth.processor.topology;

import static dev.mesoshealth.processor.topology.TopologyHarness.healthyAgentMetrics;
import static dev.mesoshealth.processor.topology.TopologyHarness.t;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mesoshealth.events.DeadLetter;
import dev.mesoshealth.events.HealthStatus;
import dev.mesoshealth.events.MetricSnapshot;
import dev.mesoshealth.schemas.topics.Topics;
import dev.mesoshealth.testkit.SampleEvents;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Undecodable records go to mesos.dlq, named and counted, and processing continues. */
class DeadLetterTopologyTest {
  private final TopologyHarness h = new TopologyHarness();

  @AfterEach
  void close() {
    h.close();
  }

  @Test
  void garbageUnknownFingerprintsAndOversizedRecordsAreDeadLetters() {
    byte[] garbage = "{\"not\": \"avro\"}".getBytes(StandardCharsets.UTF_8);
    byte[] foreign =
        Topics.METRIC_SNAPSHOTS
            .valueSerde()
            .serializer()
            .serialize("t", SampleEvents.snapshot("S9"));
    foreign[3] ^= 0x7f;
    byte[] huge = new byte[70 * 1024];

    h.rawSnapshots.pipeInput("S1", garbage, t(0));
    h.rawInventory.pipeInput("S2", foreign, t(1));
    h.rawSnapshots.pipeInput("S3", huge, t(2));
    h.agent("S4", t(3), healthyAgentMetrics());

    List<DeadLetter> dead = h.dlq.readValuesToList();
    assertThat(dead).hasSize(3);
    assertThat(dead.get(0).getTopic()).isEqualTo("mesos.metrics.snapshots");
    assertThat(dead.get(0).getOffset()).isZero();
    assertThat(dead.get(0).getError()).contains("not Avro single-object encoding");
    assertThat(StandardCharsets.UTF_8.decode(dead.get(0).getValue()).toString())
        .isEqualTo("{\"not\": \"avro\"}");
    assertThat(dead.get(1).getTopic()).isEqualTo("mesos.inventory.agents");
    assertThat(dead.get(1).getError()).contains("unknown schema fingerprint");
    assertThat(dead.get(2).getError())
        .isEqualTo("record of 71680 bytes is over the 65536-byte limit");
    assertThat(dead.get(2).getStage()).isEqualTo("processor");
    assertThat(h.stateOf("S4")).as("processing went on").isEqualTo(HealthStatus.HEALTHY);
  }

  @Test
  void snapshotsOnTheInventoryTopicAreAnotherRecordTypeAndDeadLetters() {
    MetricSnapshot wrongType = SampleEvents.snapshot("S1");
    h.rawInventory.pipeInput(
        "S1", Topics.METRIC_SNAPSHOTS.valueSerde().serializer().serialize("x", wrongType), t(0));

    assertThat(h.dlq.readValuesToList())
        .singleElement()
        .satisfies(d -> assertThat(d.getError()).contains("unknown schema fingerprint"));
  }
}
