package dev.mesoshealth.schemas.serde;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mesoshealth.events.AgentInventory;
import dev.mesoshealth.events.MetricSnapshot;
import dev.mesoshealth.events.NodeRef;
import dev.mesoshealth.events.NodeRole;
import dev.mesoshealth.events.Outcome;
import java.time.Instant;
import java.util.Arrays;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class AvroSerdeErrorTest {
  private final AvroSerde<MetricSnapshot> serde = AvroSerde.of(MetricSnapshot.class);

  @Test
  void unknownFingerprintNamesTopicAndFingerprint() {
    byte[] bytes = serde.serialize("in", snapshot());
    bytes[2] ^= 0x5A; // another writer schema

    assertThatThrownBy(() -> serde.deserialize("mesos.metrics.snapshots", bytes))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("'mesos.metrics.snapshots'")
        .hasMessageContaining("unknown schema fingerprint " + AvroSerde.fingerprintHex(bytes));
  }

  @Test
  void anotherRecordTypeIsAnUnknownFingerprint() {
    byte[] bytes = serde.serialize("in", snapshot());

    assertThatThrownBy(
            () -> AvroSerde.of(AgentInventory.class).deserialize("mesos.inventory.agents", bytes))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("unknown schema fingerprint");
  }

  @Test
  void garbageBytesAreNotSingleObjectEncoding() {
    byte[] garbage = "{\"not\":\"avro\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    assertThatThrownBy(() -> serde.deserialize("mesos.metrics.snapshots", garbage))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("'mesos.metrics.snapshots'")
        .hasMessageContaining("not Avro single-object encoding")
        .hasMessageContaining("7B 22");
  }

  @Test
  void emptyAndShortInputsAreRejectedClearly() {
    assertThatThrownBy(() -> serde.deserialize("t", new byte[0]))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("(empty)");
    assertThatThrownBy(() -> serde.deserialize("t", new byte[] {(byte) 0xC3, 0x01, 1}))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("3 bytes");
  }

  @Test
  void truncatedBodyIsCorruptNotANullPointer() {
    byte[] bytes = serde.serialize("in", snapshot());
    byte[] truncated = Arrays.copyOf(bytes, 14);

    assertThatThrownBy(() -> serde.deserialize("mesos.metrics.snapshots", truncated))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("'mesos.metrics.snapshots'")
        .hasMessageContaining("corrupt body")
        .hasMessageContaining(AvroSerde.fingerprintHex(bytes));
  }

  @Test
  void encodingARecordWithAMissingRequiredFieldIsASerializationException() {
    MetricSnapshot broken = snapshot();
    broken.setNode(null);

    assertThatThrownBy(() -> serde.serialize("mesos.metrics.snapshots", broken))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("Cannot encode MetricSnapshot for topic 'mesos.metrics.snapshots'");
  }

  private static MetricSnapshot snapshot() {
    return MetricSnapshot.newBuilder()
        .setNode(new NodeRef("prod", NodeRole.MASTER, "master:m1:5050", "m1", "m1:5050"))
        .setPolledAt(Instant.ofEpochMilli(1_700_000_000_000L))
        .setDurationMs(5)
        .setOutcome(Outcome.OK)
        .build();
  }
}
