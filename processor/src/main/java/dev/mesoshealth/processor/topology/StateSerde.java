package dev.mesoshealth.processor.topology;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.smile.SmileFactory;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serde for the processor's own state and internal records (Java records), in Smile, Jackson's
 * binary JSON. Internal: these bytes live only in this application's stores, changelogs and
 * repartition topic. Unknown fields are ignored and missing ones default, so state survives
 * upgrades that add fields. Instants are epoch milliseconds (every time here comes from an Avro
 * {@code timestamp-millis} or the wall clock): parsing ISO-8601 text was a tenth of the stream
 * thread's time. State written as text by earlier versions still reads.
 */
public final class StateSerde<T> implements Serde<T>, Serializer<T>, Deserializer<T> {
  static final ObjectMapper SMILE =
      new ObjectMapper(new SmileFactory())
          .registerModule(new JavaTimeModule())
          .enable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(SerializationFeature.WRITE_DATE_TIMESTAMPS_AS_NANOSECONDS)
          .disable(DeserializationFeature.READ_DATE_TIMESTAMPS_AS_NANOSECONDS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE);

  private final Class<T> type;
  // resolved once per type: a store reads and writes the same type for every record
  private final ObjectReader reader;
  private final ObjectWriter writer;

  private StateSerde(Class<T> type) {
    this.type = type;
    this.reader = SMILE.readerFor(type);
    this.writer = SMILE.writerFor(type);
  }

  public static <T> StateSerde<T> of(Class<T> type) {
    return new StateSerde<>(type);
  }

  @Override
  public byte[] serialize(String topic, T data) {
    if (data == null) {
      return null;
    }
    try {
      return writer.writeValueAsBytes(data);
    } catch (IOException e) {
      throw new SerializationException(
          "cannot encode " + type.getSimpleName() + " for " + topic + ": " + e.getMessage(), e);
    }
  }

  @Override
  public T deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    try {
      return reader.readValue(data);
    } catch (IOException e) {
      throw new SerializationException(
          "cannot decode " + type.getSimpleName() + " from " + topic + ": " + e.getMessage(), e);
    }
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
  public void configure(java.util.Map<String, ?> configs, boolean isKey) {}

  @Override
  public void close() {}
}
