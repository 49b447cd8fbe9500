package dev.mesoshealth.bench;

import dev.mesoshealth.events.HealthStatus;
import dev.mesoshealth.events.HealthTransition;
import dev.mesoshealth.schemas.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Every transition as it arrives on the topic, with the wall-clock time it arrived. */
final class TransitionWatch implements AutoCloseable {
  /** A transition: where to, when it arrived, and the time of the poll that decided it. */
  record Seen(HealthStatus to, Instant arrived, Instant decidedAt) {}

  private final Map<String, List<Seen>> byNode = new ConcurrentHashMap<>();
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Thread thread;
  private volatile boolean running = true;

  TransitionWatch(String bootstrap) {
    consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer());
    thread = new Thread(this::run, "bench-transitions");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    try {
      SnapshotWatch.readFromTheBeginning(consumer, Topics.HEALTH_TRANSITIONS.name(), () -> running);
      while (running) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          Instant now = Instant.now();
          HealthTransition t =
              Topics.HEALTH_TRANSITIONS
                  .valueSerde()
                  .deserializer()
                  .deserialize(r.topic(), r.value());
          byNode
              .computeIfAbsent(
                  t.getNode().getId(), k -> new java.util.concurrent.CopyOnWriteArrayList<>())
              .add(new Seen(t.getTo(), now, t.getAt()));
        }
      }
    } catch (org.apache.kafka.common.errors.WakeupException e) {
      // closing
    } finally {
      consumer.close();
    }
  }

  /** Agents not in {@code victims} that turned sick (any state worse than DEGRADED) since. */
  long falseAlarms(java.util.Set<String> victims, Instant since) {
    return byNode.entrySet().stream()
        .filter(e -> !victims.contains(e.getKey()) && !e.getKey().startsWith("master:"))
        .filter(e -> !e.getKey().startsWith("cluster:"))
        .filter(
            e ->
                e.getValue().stream()
                    .anyMatch(
                        s ->
                            !s.arrived().isBefore(since)
                                && (s.to() == HealthStatus.UNREACHABLE
                                    || s.to() == HealthStatus.UNHEALTHY)))
        .count();
  }

  /**
   * Transitions of any node, masters and the cluster included, to a state worse than HEALTHY before
   * the faults began: a start-up must raise none.
   */
  long startupAlarms(Instant before) {
    return byNode.values().stream()
        .flatMap(List::stream)
        .filter(s -> s.arrived().isBefore(before))
        .filter(
            s ->
                s.to() == HealthStatus.DEGRADED
                    || s.to() == HealthStatus.UNHEALTHY
                    || s.to() == HealthStatus.UNREACHABLE)
        .count();
  }

  /** Every node (masters and the cluster too) that turned to one of {@code to} since then. */
  List<String> turned(java.util.Set<HealthStatus> to, Instant since) {
    return byNode.entrySet().stream()
        .filter(
            e ->
                e.getValue().stream()
                    .anyMatch(s -> to.contains(s.to()) && !s.arrived().isBefore(since)))
        .map(Map.Entry::getKey)
        .sorted()
        .toList();
  }

  Seen firstAfter(String node, HealthStatus to, Instant after) {
    return byNode.getOrDefault(node, List.of()).stream()
        .filter(s -> s.to() == to && !s.arrived().isBefore(after))
        .findFirst()
        .orElse(null);
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
