package dev.mesoshealth.collector.publish;

import dev.mesoshealth.collector.CollectorMetrics;
import dev.mesoshealth.events.AgentInventory;
import dev.mesoshealth.events.MetricSnapshot;
import dev.mesoshealth.events.TaskInventory;
import dev.mesoshealth.schemas.topics.Topic;
import dev.mesoshealth.schemas.topics.Topics;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes events to Kafka without ever blocking the pollers and without silent loss. Events are
 * encoded at once and queued within a byte budget; one sender thread hands them, in order, to an
 * idempotent {@code acks=all} producer whose delivery timeout is unbounded, so records wait out a
 * broker outage and are retried without duplicates. When the broker is away the sink logs once when
 * the outage starts and once when it ends; if the budget overflows, new events are dropped, counted
 * and logged once per outage.
 */
public final class KafkaEventSink implements EventSink {
  private static final Logger log = LoggerFactory.getLogger(KafkaEventSink.class);
  private static final long OUTAGE_AFTER_NANOS = Duration.ofSeconds(10).toNanos();

  private record Pending(String topic, byte[] key, byte[] value) {
    long bytes() {
      return (key == null ? 0 : key.length) + (value == null ? 0 : value.length) + 64L;
    }
  }

  private final KafkaProducer<byte[], byte[]> producer;
  private final CollectorMetrics metrics;
  private final long budgetBytes;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private final Thread sender;
  private final AtomicLong unacknowledged = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private long queuedBytes;
  private volatile long lastAckNanos = System.nanoTime();
  private volatile boolean closing;
  private boolean inOutage;
  private long outageStartNanos;
  private long droppedAtOutageStart;
  private boolean overflowLogged;

  public KafkaEventSink(
      Map<String, Object> producerConfig, long budgetBytes, CollectorMetrics metrics) {
    this.producer =
        new KafkaProducer<>(
            withDefaults(producerConfig), new ByteArraySerializer(), new ByteArraySerializer());
    this.budgetBytes = budgetBytes;
    this.metrics = metrics;
    this.sender = new Thread(this::sendLoop, "collector-kafka-sender");
    sender.setDaemon(true);
    sender.start();
  }

  /** Producer settings for no loss: idempotent, acks=all, retried through outages. */
  static Map<String, Object> withDefaults(Map<String, Object> config) {
    Map<String, Object> c = new HashMap<>();
    c.put(ProducerConfig.ACKS_CONFIG, "all");
    c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    c.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    c.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    c.put(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
    c.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.MAX_VALUE);
    c.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 30_000);
    c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 2_000);
    c.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 32L * 1024 * 1024);
    c.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 200);
    c.putAll(config);
    return c;
  }

  @Override
  public void snapshot(MetricSnapshot snapshot) {
    enqueue(Topics.METRIC_SNAPSHOTS, snapshot.getNode().getId(), snapshot);
  }

  @Override
  public void agent(String agentId, AgentInventory agent) {
    enqueue(Topics.AGENT_INVENTORY, agentId, agent);
  }

  @Override
  public void task(String taskId, TaskInventory task) {
    enqueue(Topics.TASK_INVENTORY, taskId, task);
  }

  private <V> void enqueue(Topic<String, V> topic, String key, V value) {
    Pending p =
        new Pending(
            topic.name(),
            topic.keySerde().serializer().serialize(topic.name(), key),
            topic.valueSerde().serializer().serialize(topic.name(), value));
    synchronized (queue) {
      if (queuedBytes + p.bytes() > budgetBytes) {
        dropped.incrementAndGet();
        metrics.dropped();
        if (!overflowLogged) {
          overflowLogged = true;
          log.error(
              "Kafka buffer budget of {} bytes is full: dropping new events until Kafka catches up (counted in mesos_health_collector_dropped_records_total)",
              budgetBytes);
        }
        return;
      }
      queue.addLast(p);
      queuedBytes += p.bytes();
      metrics.buffered(queue.size() + unacknowledged.get(), queuedBytes);
      queue.notifyAll();
    }
  }

  private void sendLoop() {
    while (true) {
      Pending next;
      synchronized (queue) {
        while (queue.isEmpty() && !closing) {
          try {
            queue.wait(1_000);
          } catch (InterruptedException e) {
            return;
          }
          checkOutage();
        }
        if (queue.isEmpty()) {
          return;
        }
        next = queue.peekFirst();
      }
      try {
        unacknowledged.incrementAndGet();
        producer.send(
            new ProducerRecord<>(next.topic(), next.key(), next.value()),
            (meta, error) -> acknowledged(next, error));
      } catch (KafkaException e) {
        unacknowledged.decrementAndGet();
        noteOutage(e);
        if (closing) {
          return;
        }
        try {
          Thread.sleep(500); // back off before retrying the same record, in order
        } catch (InterruptedException ie) {
          return;
        }
        continue;
      }
      synchronized (queue) {
        queue.pollFirst();
        queuedBytes -= next.bytes();
        metrics.buffered(queue.size() + unacknowledged.get(), queuedBytes);
        checkOutage();
      }
    }
  }

  private void acknowledged(Pending p, Exception error) {
    unacknowledged.decrementAndGet();
    if (error == null) {
      lastAckNanos = System.nanoTime();
      metrics.published(p.topic());
      synchronized (queue) {
        if (inOutage) {
          inOutage = false;
          overflowLogged = false;
          log.info(
              "Kafka is back after {} s; buffered events are being delivered ({} dropped during the outage)",
              (System.nanoTime() - outageStartNanos) / 1_000_000_000,
              dropped.get() - droppedAtOutageStart);
        }
      }
    } else {
      metrics.producerError();
      log.warn("Kafka refused an event for {} for good: {}", p.topic(), error.toString());
    }
  }

  /** Called with the queue lock held. */
  private void checkOutage() {
    if (!inOutage
        && unacknowledged.get() > 0
        && System.nanoTime() - lastAckNanos > OUTAGE_AFTER_NANOS) {
      startOutage("no acknowledgement for " + OUTAGE_AFTER_NANOS / 1_000_000_000 + " s");
    }
  }

  private void noteOutage(KafkaException e) {
    synchronized (queue) {
      if (!inOutage) {
        startOutage(e.getMessage());
      }
    }
  }

  private void startOutage(String why) {
    inOutage = true;
    outageStartNanos = System.nanoTime();
    droppedAtOutageStart = dropped.get();
    log.warn("Kafka unavailable ({}); buffering events, polls go on", why);
  }

  /** Events dropped since start because the budget overflowed. */
  public long dropped() {
    return dropped.get();
  }

  @Override
  public void flush() {
    synchronized (queue) {
      while (!queue.isEmpty()) {
        try {
          queue.wait(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
    producer.flush();
  }

  @Override
  public void close() {
    closing = true;
    synchronized (queue) {
      queue.notifyAll();
    }
    try {
      sender.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close(Duration.ofSeconds(10));
  }
}
