package dev.mesoshealth.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesoshealth.events.HealthReason;
import dev.mesoshealth.events.HealthStatus;
import dev.mesoshealth.events.HealthTransition;
import dev.mesoshealth.events.MetricSnapshot;
import dev.mesoshealth.events.NodeRef;
import dev.mesoshealth.events.NodeRole;
import dev.mesoshealth.events.Outcome;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.RandomData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AvroSerdeRoundTripTest {
  private static final int RECORDS_PER_VERSION = 200;

  static Stream<Class<? extends SpecificRecord>> eventTypes() {
    return EventTypes.ALL.stream();
  }

  static Stream<Arguments> releasedVersions() {
    return EventTypes.ALL.stream()
        .flatMap(
            type -> {
              SchemaHistory history = SchemaHistory.load(type.getSimpleName());
              return Stream.iterate(1, v -> v <= history.versions().size(), v -> v + 1)
                  .map(v -> Arguments.of(type, v));
            });
  }

  @Test
  void roundTripsAHandBuiltSnapshotWithEveryFieldSet() {
    AvroSerde<MetricSnapshot> serde = AvroSerde.of(MetricSnapshot.class);
    MetricSnapshot snapshot =
        MetricSnapshot.newBuilder()
            .setNode(new NodeRef("prod", NodeRole.AGENT, "a1-S3", "host-3", "10.0.0.3:5051"))
            .setPolledAt(Instant.ofEpochMilli(1_700_000_000_123L))
            .setDurationMs(17)
            .setOutcome(Outcome.PARTIAL)
            .setHttpStatus(200)
            .setError("2 keys missing")
            .setElected(null)
            .setMesosVersion("1.4.1")
            .setMetrics(Map.of("mesos.slave.tasks_running", 3.0))
            .setRawMetrics(Map.of("gc/path_removals_succeeded", 9.0))
            .setMissingKeys(List.of("slave/tasks_lost"))
            .setCollector(null)
            .build();

    byte[] bytes = serde.serialize("t", snapshot);

    assertThat(serde.deserialize("t", bytes)).isEqualTo(snapshot);
  }

  @Test
  void roundTripsATransitionWithReasons() {
    AvroSerde<HealthTransition> serde = AvroSerde.of(HealthTransition.class);
    HealthTransition transition =
        new HealthTransition(
            new NodeRef("prod", NodeRole.CLUSTER, "cluster:prod", null, null),
            HealthStatus.HEALTHY,
            HealthStatus.UNHEALTHY,
            Instant.ofEpochMilli(1_700_000_000_000L),
            List.of(
                new HealthReason(
                    "cluster.no-leader",
                    HealthStatus.UNHEALTHY,
                    "mesos.stats.elected",
                    0.0,
                    1.0,
                    "No master is elected")));

    assertThat(serde.deserialize("t", serde.serialize("t", transition))).isEqualTo(transition);
  }

  @Test
  void tombstonesStayNull() {
    AvroSerde<MetricSnapshot> serde = AvroSerde.of(MetricSnapshot.class);

    assertThat(serde.serialize("t", null)).isNull();
    assertThat(serde.deserialize("t", null)).isNull();
  }

  /**
   * Random records of the current schema go through the Serde both ways: written generically, read
   * by the Serde into the generated class, written again by the Serde, read generically. Any field
   * lost or altered on the way makes the records differ.
   */
  @ParameterizedTest
  @MethodSource("eventTypes")
  void everyRecordSurvivesTheSerdeBothWays(Class<? extends SpecificRecord> type)
      throws IOException {
    AvroSerde<? extends SpecificRecord> serde = AvroSerde.of(type);
    assertSurvives(serde, serde.schema(), 42);
  }

  /** Bytes any released (older) writer produced are readable by the current reader. */
  @ParameterizedTest
  @MethodSource("releasedVersions")
  void currentReaderReadsEveryReleasedVersion(Class<? extends SpecificRecord> type, int version)
      throws IOException {
    AvroSerde<? extends SpecificRecord> serde = AvroSerde.of(type);
    Schema released = SchemaHistory.load(type.getSimpleName()).versions().get(version - 1);
    assertSurvives(serde, released, 1000L + version);
  }

  private static <T extends SpecificRecord> void assertSurvives(
      AvroSerde<T> serde, Schema writer, long seed) throws IOException {
    BinaryMessageEncoder<Object> genericEncoder =
        new BinaryMessageEncoder<>(GenericData.get(), writer);
    BinaryMessageDecoder<GenericRecord> genericDecoder =
        new BinaryMessageDecoder<>(GenericData.get(), writer);
    genericDecoder.addSchema(serde.schema());

    int checked = 0;
    for (Object random : new RandomData(GenericData.get(), writer, RECORDS_PER_VERSION, seed)) {
      ByteArrayOutputStream written = new ByteArrayOutputStream();
      genericEncoder.encode(random, written);

      T decoded = serde.deserialize("topic", written.toByteArray());
      byte[] rewritten = serde.serialize("topic", decoded);
      GenericRecord back = genericDecoder.decode(new ByteArrayInputStream(rewritten), null);

      assertThat(back).as("record %d of %s", checked, writer.getFullName()).isEqualTo(random);
      checked++;
    }
    assertThat(checked).isEqualTo(RECORDS_PER_VERSION);
  }
}
