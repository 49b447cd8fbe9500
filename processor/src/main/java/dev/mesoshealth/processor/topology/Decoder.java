package dev.mesoshealth.processor.topology;

import dev.mesoshealth.events.DeadLetter;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.function.BiFunction;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Decodes input bytes with the topic's Serde. A record that cannot be decoded (garbage bytes, an
 * unknown schema fingerprint, a record over the size limit) becomes a {@link DeadLetter} naming
 * topic, partition, offset and error; processing continues with the next record.
 */
final class Decoder<V> implements Processor<String, byte[], String, Decoded> {
  private final Deserializer<V> deserializer;
  private final BiFunction<V, byte[], Decoded> wrap;
  private final boolean tombstonesMatter;
  private final int maxBytes;
  private final TopologyMetrics metrics;
  private ProcessorContext<String, Decoded> context;

  Decoder(
      Deserializer<V> deserializer,
      BiFunction<V, byte[], Decoded> wrap,
      boolean tombstonesMatter,
      int maxBytes,
      TopologyMetrics metrics) {
    this.deserializer = deserializer;
    this.wrap = wrap;
    this.tombstonesMatter = tombstonesMatter;
    this.maxBytes = maxBytes;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, Decoded> context) {
    this.context = context;
  }

  @Override
  public void process(Record<String, byte[]> record) {
    RecordMetadata meta = context.recordMetadata().orElse(null);
    String topic = meta == null ? "unknown" : meta.topic();
    byte[] bytes = record.value();
    if (bytes == null) {
      if (tombstonesMatter && record.key() != null) {
        context.forward(record.withValue(wrap.apply(null, null)));
      }
      return;
    }
    String error;
    if (record.key() == null) {
      error = "record without a key";
    } else if (bytes.length > maxBytes) {
      error = "record of " + bytes.length + " bytes is over the " + maxBytes + "-byte limit";
    } else {
      try {
        V value = deserializer.deserialize(topic, bytes);
        context.forward(record.withValue(wrap.apply(value, bytes)));
        return;
      } catch (SerializationException e) {
        error = e.getMessage();
      } catch (RuntimeException e) {
        error = "cannot decode: " + e;
      }
    }
    metrics.deadLetter(topic);
    DeadLetter dead =
        DeadLetter.newBuilder()
            .setTopic(topic)
            .setPartition(meta == null ? -1 : meta.partition())
            .setOffset(meta == null ? -1 : meta.offset())
            .setTimestamp(Instant.ofEpochMilli(record.timestamp()))
            .setKey(
                record.key() == null
                    ? null
                    : ByteBuffer.wrap(
                        record.key().getBytes(java.nio.charset.StandardCharsets.UTF_8)))
            .setValue(ByteBuffer.wrap(bytes, 0, Math.min(bytes.length, maxBytes)))
            .setError(error)
            .setStage("processor")
            .setFailedAt(Instant.ofEpochMilli(context.currentSystemTimeMs()))
            .build();
    context.forward(record.withValue(new Decoded.Dead(dead)));
  }
}
