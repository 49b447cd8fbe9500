package dev.mesoshealth.console.feed;

import dev.mesoshealth.console.model.ConsoleModel;
import dev.mesoshealth.events.CapacityTrend;
import dev.mesoshealth.events.HealthTransition;
import dev.mesoshealth.events.MetricSnapshot;
import dev.mesoshealth.schemas.topics.Topic;
import dev.mesoshealth.schemas.topics.Topics;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds the console's model from the output topics, without a consumer group (every console
 * instance sees everything): compacted topics from the beginning, the latest transitions, recent
 * capacity points and snapshots, then follows. Partitions that appear later (a topic created after
 * the console started) are picked up. A record that cannot be decoded is counted and skipped.
 */
public final class TopicFeed implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TopicFeed.class);
  private static final Duration DISCOVERY = Duration.ofSeconds(5);

  /** Where a newly assigned partition starts. */
  private sealed interface Start {}

  private record FromBeginning() implements Start {}

  private record LastRecords(int n) implements Start {}

  private record Since(Duration ago) implements Start {}

  private record Source(Topic<String, ?> topic, Start start) {}

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final ConsoleModel model;
  private final Object lock;
  private final Clock clock;
  private final List<Source> sources;
  private final Map<TopicPartition, Long> catchUpTo = new HashMap<>();
  private final Set<String> decodeWarned = new HashSet<>();
  private final Counter records;
  private final Counter undecodable;
  private final Thread thread;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean running = true;
  private volatile boolean caughtUp;
  private Instant nextDiscovery = Instant.EPOCH;

  /**
   * @param kafka consumer properties (bootstrap servers, security); no group is used
   * @param lock held while the model changes (the same lock the event stream reads under)
   */
  public TopicFeed(
      Map<String, Object> kafka,
      ConsoleModel model,
      Object lock,
      int keepTransitions,
      Duration capacityHistory,
      PrometheusRegistry registry,
      Clock clock) {
    Map<String, Object> props = new HashMap<>(kafka);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "mesos-health-console-" + UUID.randomUUID());
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    this.consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.model = model;
    this.lock = lock;
    this.clock = clock;
    this.sources =
        List.of(
            new Source(Topics.HEALTH_STATES, new FromBeginning()),
            new Source(Topics.AGENT_INVENTORY, new FromBeginning()),
            new Source(Topics.ENDPOINT_HEALTH, new FromBeginning()),
            new Source(Topics.HEALTH_TRANSITIONS, new LastRecords(keepTransitions)),
            new Source(Topics.CAPACITY_TRENDS, new Since(capacityHistory)),
            new Source(Topics.METRIC_SNAPSHOTS, new Since(Duration.ofMinutes(1))));
    this.records =
        Counter.builder()
            .name("mesos_health_console_records_total")
            .help("Records read from the output topics.")
            .labelNames("topic")
            .register(registry);
    this.undecodable =
        Counter.builder()
            .name("mesos_health_console_undecodable_records_total")
            .help("Records skipped because they could not be decoded.")
            .labelNames("topic")
            .register(registry);
    this.thread = new Thread(this::run, "console-feed");
    this.thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  /** True once every partition known at start has been read to where it ended then. */
  public boolean caughtUp() {
    return caughtUp;
  }

  private void run() {
    try {
      while (running) {
        if (!clock.instant().isBefore(nextDiscovery)) {
          discover();
          nextDiscovery = clock.instant().plus(DISCOVERY);
        }
        if (consumer.assignment().isEmpty()) {
          // no topic exists yet: look again later (or stop, when closed)
          stopped.await(DISCOVERY.toMillis(), TimeUnit.MILLISECONDS);
          continue;
        }
        List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>();
        consumer.poll(Duration.ofMillis(200)).forEach(batch::add);
        if (!batch.isEmpty()) {
          Instant now = clock.instant();
          synchronized (lock) {
            for (ConsumerRecord<byte[], byte[]> r : batch) {
              apply(r, now);
            }
          }
        }
        checkCaughtUp();
      }
    } catch (WakeupException | InterruptedException e) {
      // closing
    } catch (RuntimeException e) {
      log.error("console feed stopped: {}", e.toString(), e);
    } finally {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(2)));
    }
  }

  private void discover() {
    Set<TopicPartition> fresh = new HashSet<>();
    Map<TopicPartition, Start> starts = new HashMap<>();
    for (Source s : sources) {
      List<PartitionInfo> infos;
      try {
        infos = consumer.partitionsFor(s.topic().name(), Duration.ofSeconds(2));
      } catch (org.apache.kafka.common.errors.TimeoutException e) {
        continue; // broker away: try again at the next discovery
      }
      if (infos == null) {
        continue;
      }
      for (PartitionInfo p : infos) {
        TopicPartition tp = new TopicPartition(p.topic(), p.partition());
        if (!consumer.assignment().contains(tp)) {
          fresh.add(tp);
          starts.put(tp, s.start());
        }
      }
    }
    if (fresh.isEmpty()) {
      return;
    }
    Set<TopicPartition> all = new HashSet<>(consumer.assignment());
    all.addAll(fresh);
    consumer.assign(all);
    Map<TopicPartition, Long> begin = consumer.beginningOffsets(fresh);
    Map<TopicPartition, Long> end = consumer.endOffsets(fresh);
    Map<TopicPartition, Long> byTime = new HashMap<>();
    for (TopicPartition tp : fresh) {
      if (starts.get(tp) instanceof Since since) {
        byTime.put(tp, clock.instant().minus(since.ago()).toEpochMilli());
      }
    }
    Map<TopicPartition, OffsetAndTimestamp> timed =
        byTime.isEmpty() ? Map.of() : consumer.offsetsForTimes(byTime);
    for (TopicPartition tp : fresh) {
      Start start = starts.get(tp);
      long offset;
      if (start instanceof LastRecords n) {
        offset = Math.max(begin.get(tp), end.get(tp) - n.n());
      } else if (start instanceof Since) {
        offset = timed.get(tp) == null ? end.get(tp) : timed.get(tp).offset();
      } else {
        offset = begin.get(tp);
      }
      consumer.seek(tp, offset);
      catchUpTo.put(tp, end.get(tp));
    }
    log.info("console reading {} more partitions", fresh.size());
  }

  private void checkCaughtUp() {
    if (caughtUp) {
      return;
    }
    for (Map.Entry<TopicPartition, Long> e : catchUpTo.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) {
        return;
      }
    }
    caughtUp = !catchUpTo.isEmpty();
    if (caughtUp) {
      log.info("console caught up with the topics; following");
    }
  }

  private void apply(ConsumerRecord<byte[], byte[]> r, Instant now) {
    String topic = r.topic();
    records.labelValues(topic).inc();
    String key =
        r.key() == null ? "" : new String(r.key(), java.nio.charset.StandardCharsets.UTF_8);
    try {
      if (topic.equals(Topics.HEALTH_STATES.name())) {
        model.health(key, decode(Topics.HEALTH_STATES, r), now);
      } else if (topic.equals(Topics.AGENT_INVENTORY.name())) {
        model.inventory(key, decode(Topics.AGENT_INVENTORY, r), now);
      } else if (topic.equals(Topics.ENDPOINT_HEALTH.name())) {
        model.endpoint(key, decode(Topics.ENDPOINT_HEALTH, r), now);
      } else if (topic.equals(Topics.HEALTH_TRANSITIONS.name())) {
        HealthTransition t = decode(Topics.HEALTH_TRANSITIONS, r);
        if (t != null) {
          model.transition(t, now);
        }
      } else if (topic.equals(Topics.CAPACITY_TRENDS.name())) {
        CapacityTrend t = decode(Topics.CAPACITY_TRENDS, r);
        if (t != null) {
          model.capacity(key, t, now);
        }
      } else if (topic.equals(Topics.METRIC_SNAPSHOTS.name())) {
        MetricSnapshot s = decode(Topics.METRIC_SNAPSHOTS, r);
        if (s != null) {
          model.snapshot(s, now);
        }
      }
    } catch (SerializationException e) {
      undecodable.labelValues(topic).inc();
      if (decodeWarned.add(topic)) {
        log.warn(
            "skipping undecodable record {}-{}@{} (further ones on this topic are only counted):"
                + " {}",
            topic,
            r.partition(),
            r.offset(),
            e.getMessage());
      }
    }
  }

  private static <V> V decode(Topic<String, V> topic, ConsumerRecord<byte[], byte[]> r) {
    return r.value() == null
        ? null
        : topic.valueSerde().deserializer().deserialize(topic.name(), r.value());
  }

  @Override
  public void close() {
    running = false;
    stopped.countDown();
    consumer.wakeup();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
