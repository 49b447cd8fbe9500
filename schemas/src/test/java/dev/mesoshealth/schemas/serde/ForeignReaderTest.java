package dev.mesoshealth.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesoshealth.events.HealthState;
import dev.mesoshealth.events.HealthStatus;
import dev.mesoshealth.events.NodeRef;
import dev.mesoshealth.events.NodeRole;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.junit.jupiter.api.Test;

/**
 * What a consumer in another language does: take the published .avsc, check the 10-byte header (C3
 * 01 + little-endian CRC-64-AVRO fingerprint of the schema's canonical form) and decode the rest
 * with a plain binary decoder. The fingerprint is computed here from the spec, not by Avro.
 */
class ForeignReaderTest {

  @Test
  void plainBinaryDecoderReadsOurBytesWithOnlyTheAvscAndTheHeader() throws IOException {
    HealthState state =
        HealthState.newBuilder()
            .setNode(new NodeRef("prod", NodeRole.AGENT, "S1", "agent-1", "10.0.0.1:5051"))
            .setState(HealthStatus.DEGRADED)
            .setSince(Instant.ofEpochMilli(1_700_000_000_000L))
            .setReasons(List.of())
            .setEvaluatedAt(Instant.ofEpochMilli(1_700_000_001_000L))
            .build();
    byte[] bytes = AvroSerde.of(HealthState.class).serialize("mesos.health.states", state);

    Schema published = publishedSchema("HealthState", 1);
    assertThat(bytes[0]).isEqualTo((byte) 0xC3);
    assertThat(bytes[1]).isEqualTo((byte) 0x01);
    long headerFingerprint = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertThat(headerFingerprint)
        .isEqualTo(crc64Avro(SchemaNormalization.toParsingForm(published)));

    GenericDatumReader<GenericRecord> reader = new GenericDatumReader<>(published);
    GenericRecord record =
        reader.read(null, DecoderFactory.get().binaryDecoder(bytes, 10, bytes.length - 10, null));

    assertThat(record.get("state").toString()).isEqualTo("DEGRADED");
    assertThat(record.get("since")).isEqualTo(1_700_000_000_000L);
    assertThat(((GenericRecord) record.get("node")).get("hostname").toString())
        .isEqualTo("agent-1");
  }

  private static Schema publishedSchema(String record, int version) throws IOException {
    String path = "avro-history/" + record + "/v" + version + ".avsc";
    try (InputStream in = ForeignReaderTest.class.getClassLoader().getResourceAsStream(path)) {
      assertThat(in).as(path + " ships in the schemas jar").isNotNull();
      return new Schema.Parser().parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  /** CRC-64-AVRO (Rabin) as the Avro specification defines it. */
  private static long crc64Avro(String canonicalForm) {
    final long empty = 0xc15d213aa4d7a795L;
    long[] table = new long[256];
    for (int i = 0; i < 256; i++) {
      long fp = i;
      for (int j = 0; j < 8; j++) {
        fp = (fp >>> 1) ^ (empty & -(fp & 1L));
      }
      table[i] = fp;
    }
    long fp = empty;
    for (byte b : canonicalForm.getBytes(StandardCharsets.UTF_8)) {
      fp = (fp >>> 8) ^ table[(int) (fp ^ b) & 0xff];
    }
    return fp;
  }
}
