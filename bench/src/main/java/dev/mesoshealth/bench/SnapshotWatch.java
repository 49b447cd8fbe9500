package dev.mesoshealth.bench;

import dev.mesoshealth.events.MetricSnapshot;
import dev.mesoshealth.schemas.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Every snapshot on the topic, from the beginning, as it arrives: which collector polled each node
 * last and when, how many each collector published, and, after {@link #markKill}, when each node
 * was first polled by another collector than the one killed.
 */
final class SnapshotWatch implements AutoCloseable {
  /** The latest poll of a node: by whom, and when it started. */
  record Last(String collector, Instant polledAt) {}

  private final Map<String, Last> last = new ConcurrentHashMap<>();
  private final Map<String, Long> published = new ConcurrentHashMap<>();
  private final Map<String, Instant> repolled = new ConcurrentHashMap<>();
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Deserializer<MetricSnapshot> values =
      Topics.METRIC_SNAPSHOTS.valueSerde().deserializer();
  private final Thread thread;
  private final Map<TopicPartition, Long> positions = new ConcurrentHashMap<>();
  private volatile String killed;
  private volatile Instant killedAt;
  private volatile boolean running = true;

  SnapshotWatch(String bootstrap) {
    consumer =
        new KafkaConsumer<>(
            Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer());
    thread = new Thread(this::run, "bench-snapshots");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    try {
      readFromTheBeginning(consumer, Topics.METRIC_SNAPSHOTS.name(), () -> running);
      while (running) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          MetricSnapshot s = values.deserialize(r.topic(), r.value());
          String by = s.getCollector() == null ? "?" : s.getCollector().getId();
          String node = s.getNode().getId();
          published.merge(by, 1L, Long::sum);
          last.put(node, new Last(by, s.getPolledAt()));
          Instant k = killedAt;
          if (k != null && !by.equals(killed) && s.getPolledAt().isAfter(k)) {
            repolled.putIfAbsent(node, s.getPolledAt());
          }
        }
        for (TopicPartition p : consumer.assignment()) {
          positions.put(p, consumer.position(p));
        }
      }
    } catch (org.apache.kafka.common.errors.WakeupException e) {
      // closing
    } finally {
      consumer.close();
    }
  }

  /** Assigns every partition of the topic, once it exists, from its first record. */
  static void readFromTheBeginning(
      KafkaConsumer<?, ?> consumer, String topic, java.util.function.BooleanSupplier running) {
    List<TopicPartition> parts = new ArrayList<>();
    while (running.getAsBoolean() && parts.isEmpty()) {
      consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition()))
          .forEach(parts::add);
    }
    consumer.assign(parts);
    consumer.seekToBeginning(parts);
  }

  /** The collector that polled the masters last, or null before any master poll arrived. */
  String masterPoller() {
    return last.entrySet().stream()
        .filter(e -> e.getKey().startsWith("master:"))
        .map(e -> e.getValue().collector())
        .findFirst()
        .orElse(null);
  }

  /**
   * From now on, notes when each node is first polled by another collector.
   *
   * @return the nodes {@code collector} polled last: its share when it died
   */
  Set<String> markKill(String collector, Instant at) {
    killed = collector;
    killedAt = at;
    return last.entrySet().stream()
        .filter(e -> e.getValue().collector().equals(collector))
        .map(Map.Entry::getKey)
        .collect(Collectors.toSet());
  }

  /** When each node was first polled by another collector after the kill. */
  Map<String, Instant> repolled() {
    return new HashMap<>(repolled);
  }

  /** Snapshots each collector published, as read so far. */
  Map<String, Long> published() {
    return new HashMap<>(published);
  }

  /** Whether everything up to these end offsets has been read. */
  boolean caughtUp(Map<TopicPartition, Long> ends) {
    return ends.entrySet().stream()
        .allMatch(e -> positions.getOrDefault(e.getKey(), 0L) >= e.getValue());
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
