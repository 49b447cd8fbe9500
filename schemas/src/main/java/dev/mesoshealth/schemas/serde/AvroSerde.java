package dev.mesoshealth.schemas.serde;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka Serde for a generated Avro record in Avro single-object encoding: {@code C3 01}, the writer
 * schema's 8-byte little-endian CRC-64-AVRO fingerprint, then the binary body. The reader resolves
 * every released version of the record (see {@link SchemaHistory}), so old and new producers and
 * consumers interoperate without a registry. Thread-safe; null is a tombstone.
 */
public final class AvroSerde<T extends SpecificRecord>
    implements Serde<T>, Serializer<T>, Deserializer<T> {

  /** Length of the single-object header: 2 marker bytes plus the 8-byte fingerprint. */
  public static final int HEADER_LENGTH = 10;

  private static final byte MARKER_0 = (byte) 0xC3;
  private static final byte MARKER_1 = (byte) 0x01;

  private final String recordName;
  private final Schema schema;
  private final BinaryMessageEncoder<T> encoder;
  private final BinaryMessageDecoder<T> decoder;
  private final int releasedVersions;

  private AvroSerde(Class<T> type) {
    AvroTrust.ensureInstalled();
    SpecificData model = SpecificData.getForClass(type);
    this.schema = model.getSchema(type);
    this.recordName = schema.getName();
    SchemaHistory history = SchemaHistory.load(recordName);
    if (history.versionOf(schema) < 0) {
      throw new IllegalStateException(
          recordName
              + "'s current schema is not released: add it as the next version file under"
              + " schemas/src/main/avro-history/"
              + recordName
              + "/");
    }
    this.encoder = new BinaryMessageEncoder<>(model, schema);
    this.decoder = new BinaryMessageDecoder<>(model, schema);
    for (Schema released : history.versions()) {
      decoder.addSchema(released);
    }
    this.releasedVersions = history.versions().size();
  }

  public static <T extends SpecificRecord> AvroSerde<T> of(Class<T> type) {
    return new AvroSerde<>(type);
  }

  public Schema schema() {
    return schema;
  }

  /** Fingerprint this serde writes into the header. */
  public long fingerprint() {
    return SchemaNormalization.parsingFingerprint64(schema);
  }

  @Override
  public byte[] serialize(String topic, T data) {
    if (data == null) {
      return null;
    }
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream(256);
      encoder.encode(data, out);
      return out.toByteArray();
    } catch (IOException | AvroRuntimeException | ClassCastException | NullPointerException e) {
      throw new SerializationException(
          "Cannot encode " + recordName + " for topic '" + topic + "': " + e.getMessage(), e);
    }
  }

  @Override
  public T deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    if (data.length < HEADER_LENGTH || data[0] != MARKER_0 || data[1] != MARKER_1) {
      throw new SerializationException(
          "Cannot decode "
              + recordName
              + " from topic '"
              + topic
              + "': not Avro single-object encoding (expected header C3 01 + 8-byte"
              + " fingerprint, got "
              + data.length
              + " bytes starting "
              + hexPrefix(data)
              + ")");
    }
    try {
      return decoder.decode(new ByteArrayInputStream(data), null);
    } catch (MissingSchemaException e) {
      throw new SerializationException(
          "Cannot decode "
              + recordName
              + " from topic '"
              + topic
              + "': unknown schema fingerprint "
              + fingerprintHex(data)
              + " (this reader knows "
              + releasedVersions
              + " released version(s); is the producer newer than this reader, or is this"
              + " another record type?)",
          e);
    } catch (IOException | RuntimeException e) {
      throw new SerializationException(
          "Cannot decode "
              + recordName
              + " from topic '"
              + topic
              + "' (fingerprint "
              + fingerprintHex(data)
              + "): corrupt body: "
              + e,
          e);
    }
  }

  /** The writer fingerprint in a single-object header, as 16 hex digits. */
  public static String fingerprintHex(byte[] data) {
    long fingerprint = ByteBuffer.wrap(data, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    return String.format("%016x", fingerprint);
  }

  private static String hexPrefix(byte[] data) {
    StringBuilder hex = new StringBuilder();
    for (int i = 0; i < Math.min(4, data.length); i++) {
      hex.append(String.format("%02X ", data[i]));
    }
    return data.length == 0 ? "(empty)" : hex.toString().trim();
  }

  @Override
  public Serializer<T> serializer() {
    return this;
  }

  @Override
  public Deserializer<T> deserializer() {
    return this;
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    // nothing to configure: the schema comes from the generated class
  }

  @Override
  public void close() {
    // stateless: nothing to release
  }
}
