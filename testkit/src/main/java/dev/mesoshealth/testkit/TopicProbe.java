package dev.mesoshealth.testkit;

import dev.mesoshealth.schemas.topics.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.opentest4j.AssertionFailedError;

/** Produces to and reads from a catalogue topic in tests, with the topic's own serdes. */
public final class TopicProbe {
  private static final int SHOWN_ON_FAILURE = 10;

  private TopicProbe() {}

  public static <K, V> void produce(
      String bootstrapServers, Topic<K, V> topic, List<Map.Entry<K, V>> records) {
    Map<String, Object> config =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers,
            ProducerConfig.ACKS_CONFIG,
            "all",
            // a topic created just before: see KafkaEventSink (KAFKA-15591)
            ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
            1);
    try (KafkaProducer<K, V> producer =
        new KafkaProducer<>(
            config, topic.keySerde().serializer(), topic.valueSerde().serializer())) {
      // all handed over at once (batched), then every acknowledgement checked: one round trip per
      // record made a 6,000-record input take 40 s
      List<Future<RecordMetadata>> sent = new ArrayList<>(records.size());
      for (Map.Entry<K, V> r : records) {
        sent.add(producer.send(new ProducerRecord<>(topic.name(), r.getKey(), r.getValue())));
      }
      producer.flush();
      for (Future<RecordMetadata> f : sent) {
        f.get();
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot produce to " + topic + ": " + e.getCause(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted producing to " + topic, e);
    }
  }

  /** Produces raw bytes, e.g. poison records; returns where the record landed. */
  public static RecordMetadata produceBytes(
      String bootstrapServers, String topic, byte[] key, byte[] value) {
    Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
      return producer.send(new ProducerRecord<>(topic, key, value)).get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot produce to " + topic + ": " + e.getCause(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted producing to " + topic, e);
    }
  }

  /**
   * Waits until the consumer group has committed every partition of the topic up to the end offsets
   * taken when it starts: the group (a Streams application, a Connect sink) has processed
   * everything produced so far.
   */
  public static void awaitCommitted(
      String bootstrapServers, String group, String topic, Duration timeout) {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      Map<TopicPartition, Long> end = Offsets.end(admin, topic);
      long deadline = System.nanoTime() + timeout.toNanos();
      Map<TopicPartition, Long> committed = Map.of();
      while (System.nanoTime() < deadline) {
        committed = Offsets.committed(admin, group, topic);
        Map<TopicPartition, Long> c = committed;
        // a partition nothing was ever written to has no committed offset: it is at 0
        if (end.entrySet().stream().allMatch(e -> c.getOrDefault(e.getKey(), 0L) >= e.getValue())) {
          return;
        }
        TimeUnit.MILLISECONDS.sleep(200); // polling the group's offsets until it has caught up
      }
      throw new AssertionFailedError(
          group
              + " did not commit "
              + topic
              + " up to "
              + end
              + " within "
              + timeout
              + "; committed "
              + committed);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for " + group, e);
    } catch (Exception e) {
      throw new IllegalStateException("cannot read the offsets of " + group + " on " + topic, e);
    }
  }

  /**
   * Every record on the topic now: reads each partition from the beginning up to the end offsets
   * taken when it starts (committed records only). Fails on an undecodable record.
   */
  public static <K, V> List<ConsumerRecord<K, V>> readAll(
      String bootstrapServers, Topic<K, V> topic, Duration timeout) {
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers,
            ConsumerConfig.CLIENT_ID_CONFIG,
            "probe-" + UUID.randomUUID(),
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed");
    List<ConsumerRecord<K, V>> out = new ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo p : consumer.partitionsFor(topic.name(), timeout)) {
        partitions.add(new TopicPartition(p.topic(), p.partition()));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new AssertionFailedError(
              "could not read " + topic + " to its end " + end + " within " + timeout);
        }
        for (ConsumerRecord<byte[], byte[]> raw : consumer.poll(Duration.ofMillis(200))) {
          K key = topic.keySerde().deserializer().deserialize(raw.topic(), raw.key());
          V value = topic.valueSerde().deserializer().deserialize(raw.topic(), raw.value());
          out.add(new ConsumerRecord<>(raw.topic(), raw.partition(), raw.offset(), key, value));
        }
      }
    }
    return out;
  }

  /**
   * Reads every partition of the topic from the beginning (no consumer group) until the records
   * read so far satisfy the condition, then on to the end offsets of that moment, and returns all
   * it read. Fails with the expectation and the last records seen.
   */
  public static <K, V> List<ConsumerRecord<K, V>> consumeUntil(
      String bootstrapServers,
      Topic<K, V> topic,
      Predicate<List<ConsumerRecord<K, V>>> condition,
      Duration timeout,
      String expectation) {
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers,
            ConsumerConfig.CLIENT_ID_CONFIG,
            "probe-" + UUID.randomUUID(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest",
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed");
    List<ConsumerRecord<K, V>> seen = new ArrayList<>();
    List<String> undecodable = new ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      while (partitions.isEmpty() && System.nanoTime() < deadline) {
        for (PartitionInfo p : consumer.partitionsFor(topic.name(), Duration.ofSeconds(5))) {
          partitions.add(new TopicPartition(p.topic(), p.partition()));
        }
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      while (System.nanoTime() < deadline) {
        if (condition.test(seen)) {
          // on to the end offsets of this moment: a record doubled at the tail is read too, so a
          // caller counting "one per poll, none doubled" can see it
          Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
          while (System.nanoTime() < deadline
              && partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
            poll(consumer, topic, seen, undecodable);
          }
          return seen;
        }
        poll(consumer, topic, seen, undecodable);
      }
      if (condition.test(seen)) {
        return seen;
      }
    }
    throw new AssertionFailedError(
        "Expected "
            + expectation
            + " on "
            + topic
            + " within "
            + timeout
            + "; read "
            + seen.size()
            + " record(s)"
            + (undecodable.isEmpty() ? "" : " and " + undecodable.size() + " undecodable")
            + ", the last ones: "
            + describe(seen.subList(Math.max(0, seen.size() - SHOWN_ON_FAILURE), seen.size())));
  }

  private static <K, V> void poll(
      KafkaConsumer<byte[], byte[]> consumer,
      Topic<K, V> topic,
      List<ConsumerRecord<K, V>> seen,
      List<String> undecodable) {
    for (ConsumerRecord<byte[], byte[]> raw : consumer.poll(Duration.ofMillis(200))) {
      try {
        K key = topic.keySerde().deserializer().deserialize(raw.topic(), raw.key());
        V value = topic.valueSerde().deserializer().deserialize(raw.topic(), raw.value());
        seen.add(new ConsumerRecord<>(raw.topic(), raw.partition(), raw.offset(), key, value));
      } catch (SerializationException e) {
        undecodable.add(raw.partition() + "@" + raw.offset() + ": " + e.getMessage());
      }
    }
  }

  private static <K, V> String describe(List<ConsumerRecord<K, V>> records) {
    StringBuilder text = new StringBuilder();
    for (ConsumerRecord<K, V> r : records) {
      text.append("\n  ").append(r.key()).append(" -> ").append(r.value());
    }
    return text.length() == 0 ? "(none)" : text.toString();
  }
}
