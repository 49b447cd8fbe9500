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
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes events to Kafka without ever blocking the pollers and without silent loss. Events are
 * encoded at once and held within a byte budget until Kafka acknowledges them. One sender thread
 * hands them, in order, to an idempotent {@code acks=all} producer whose delivery timeout is
 * unbounded. A send Kafka cannot take yet (no metadata, buffer full: retriable errors) goes back to
 * the head of the line in its original order and the sender pauses, so events wait out an outage at
 * start-up or mid-run. The sink logs once when an outage starts and once when it ends; if the
 * budget overflows, new events are dropped, counted and logged once per outage.
 */
public final class KafkaEventSink implements EventSink {
  private static final Logger log = LoggerFactory.getLogger(KafkaEventSink.class);
  private static final long OUTAGE_AFTER_NANOS = Duration.ofSeconds(10).toNanos();
  private static final long RETRY_PAUSE_NANOS = Duration.ofMillis(500).toNanos();

  private record Pending(long seq, String topic, byte[] key, byte[] value) {
    long bytes() {
      return (key == null ? 0 : key.length) + (value == null ? 0 : value.length) + 64L;
    }
  }

  private final KafkaProducer<byte[], byte[]> producer;
  private final CollectorMetrics metrics;
  private final long budgetBytes;
  private final Object lock = new Object();
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private final TreeMap<Long, Pending> retries = new TreeMap<>();
  private final Thread sender;
  private final CompletableFuture<?> topicsReady;
  private final AtomicLong dropped = new AtomicLong();
  private long nextSeq;
  private long unacknowledged;
  private long heldBytes;
  private long pauseUntilNanos;
  private long lastAckNanos = System.nanoTime();
  private boolean closing;
  private boolean inOutage;
  private long outageStartNanos;
  private long droppedAtOutageStart;
  private boolean overflowLogged;

  public KafkaEventSink(
      Map<String, Object> producerConfig, long budgetBytes, CollectorMetrics metrics) {
    this(producerConfig, budgetBytes, metrics, CompletableFuture.completedFuture(null));
  }

  /**
   * @param topicsReady sending starts when this completes (events are held within the budget
   *     meanwhile): a producer's first send to a missing topic makes a broker that allows it create
   *     the topic with its own num.partitions, not the catalogue's
   */
  public KafkaEventSink(
      Map<String, Object> producerConfig,
      long budgetBytes,
      CollectorMetrics metrics,
      CompletableFuture<?> topicsReady) {
    this.producer =
        new KafkaProducer<>(
            withDefaults(producerConfig), new ByteArraySerializer(), new ByteArraySerializer());
    this.budgetBytes = budgetBytes;
    this.metrics = metrics;
    this.topicsReady = topicsReady;
    topicsReady.whenComplete(
        (v, e) -> {
          synchronized (lock) {
            lock.notifyAll();
          }
        });
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
    // One request in flight per broker: with more, a first request to a partition the broker has
    // not opened yet (just created) fails and is overtaken by the next, which the broker takes as
    // the producer's first; every retry of the first then fails as out of order, and with an
    // unbounded delivery timeout the partition never moves again (KAFKA-15591, brokers before
    // its fix). Seen in CI: a collector that created its topics wedged one partition for good.
    c.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
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
    byte[] k = topic.keySerde().serializer().serialize(topic.name(), key);
    byte[] v = topic.valueSerde().serializer().serialize(topic.name(), value);
    synchronized (lock) {
      Pending p = new Pending(nextSeq++, topic.name(), k, v);
      if (heldBytes + p.bytes() > budgetBytes) {
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
      heldBytes += p.bytes();
      report();
      lock.notifyAll();
    }
  }

  private void sendLoop() {
    while (true) {
      Pending next;
      synchronized (lock) {
        while (true) {
          checkOutage();
          // until the topics exist, as paused (woken when they do)
          long pause = topicsReady.isDone() ? pauseUntilNanos - System.nanoTime() : 1_000_000_000L;
          boolean nothing = queue.isEmpty() && retries.isEmpty();
          if (closing && (nothing || pause > 0)) {
            return;
          }
          if (!nothing && pause <= 0) {
            break;
          }
          try {
            lock.wait(Math.max(1, Math.min(1_000, pause > 0 ? pause / 1_000_000 : 1_000)));
          } catch (InterruptedException e) {
            return;
          }
        }
        next = retries.isEmpty() ? queue.pollFirst() : retries.pollFirstEntry().getValue();
        unacknowledged++;
      }
      try {
        producer.send(
            new ProducerRecord<>(next.topic(), next.key(), next.value()),
            (meta, error) -> completed(next, error));
      } catch (KafkaException e) {
        completed(next, e);
      }
    }
  }

  private void completed(Pending p, Exception error) {
    synchronized (lock) {
      unacknowledged--;
      if (error == null) {
        heldBytes -= p.bytes();
        lastAckNanos = System.nanoTime();
        metrics.published(p.topic());
        if (inOutage) {
          inOutage = false;
          overflowLogged = false;
          log.info(
              "Kafka is back after {} s; buffered events are being delivered ({} dropped during the outage)",
              (System.nanoTime() - outageStartNanos) / 1_000_000_000,
              dropped.get() - droppedAtOutageStart);
        }
      } else if (error instanceof RetriableException) {
        retries.put(p.seq(), p); // back to the head of the line, in its original order
        pauseUntilNanos = System.nanoTime() + RETRY_PAUSE_NANOS;
        if (!inOutage) {
          startOutage(error.getMessage());
        }
      } else {
        heldBytes -= p.bytes();
        metrics.producerError();
        log.warn("Kafka refused an event for {} for good: {}", p.topic(), error.toString());
      }
      report();
      lock.notifyAll();
    }
  }

  /** Called with the lock held. */
  private void checkOutage() {
    if (!inOutage && unacknowledged > 0 && System.nanoTime() - lastAckNanos > OUTAGE_AFTER_NANOS) {
      startOutage("no acknowledgement for " + OUTAGE_AFTER_NANOS / 1_000_000_000 + " s");
    }
  }

  private void startOutage(String why) {
    inOutage = true;
    outageStartNanos = System.nanoTime();
    droppedAtOutageStart = dropped.get();
    log.warn("Kafka unavailable ({}); buffering events, polls go on", why);
  }

  private void report() {
    metrics.buffered(queue.size() + retries.size() + unacknowledged, heldBytes);
  }

  /** Events dropped since start because the budget overflowed. */
  public long dropped() {
    return dropped.get();
  }

  /** Events handed over and not yet acknowledged by Kafka. */
  public long pending() {
    synchronized (lock) {
      return queue.size() + retries.size() + unacknowledged;
    }
  }

  /** Waits until every event handed over so far is acknowledged (or dropped for good). */
  @Override
  public void flush() {
    synchronized (lock) {
      while (queue.size() + retries.size() + unacknowledged > 0) {
        try {
          lock.wait(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  @Override
  public void close() {
    synchronized (lock) {
      closing = true;
      lock.notifyAll();
    }
    try {
      sender.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close(Duration.ofSeconds(10));
    long left = pending();
    if (left > 0) {
      log.warn("{} events were not delivered to Kafka before shutdown", left);
    }
  }
}
