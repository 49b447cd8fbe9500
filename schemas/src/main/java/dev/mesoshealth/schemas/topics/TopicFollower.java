package dev.mesoshealth.schemas.topics;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows topics without a consumer group, for services where every instance must see every record
 * (a console, an updater): each topic starts where its reader needs (compacted topics from the
 * beginning, recent ones by time or count), then is followed. Partitions that appear later (a topic
 * created after the start) are picked up. Records are decoded with the topic's serde and handed
 * over in batches on the follower's thread; a record that cannot be decoded is counted, logged once
 * per topic and skipped.
 */
public final class TopicFollower implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TopicFollower.class);
  private static final Duration DISCOVERY = Duration.ofSeconds(5);

  /** Where a newly found partition starts. */
  public sealed interface Start {
    static Start beginning() {
      return new Beginning();
    }

    /** The last {@code n} records of each partition. */
    static Start last(int n) {
      return new Last(n);
    }

    /** Records written in the last {@code ago}. */
    static Start since(Duration ago) {
      return new Since(ago);
    }
  }

  private record Beginning() implements Start {}

  private record Last(int n) implements Start {}

  private record Since(Duration ago) implements Start {}

  /** A decoded record; a null value is a tombstone. */
  public record Event(String topic, String key, Object value, long timestamp) {}

  /** Receives each polled batch, in partition order, on the follower's thread. */
  public interface Handler {
    void accept(List<Event> batch);
  }

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Map<String, Topic<String, ?>> topics = new LinkedHashMap<>();
  private final Map<String, Start> starts = new LinkedHashMap<>();
  private final Handler handler;
  private final Clock clock;
  private final Map<TopicPartition, Long> catchUpTo = new HashMap<>();
  private final Set<String> warned = new HashSet<>();
  private final Map<String, LongAdder> records = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> undecodable = new ConcurrentHashMap<>();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Thread thread;
  private volatile boolean running = true;
  private volatile boolean caughtUp;
  private volatile long lastHeardMillis;
  private Metric responses;
  private double responsesSeen;
  private boolean discovered;
  private long nextDiscovery;

  /**
   * @param name names the thread and the client id
   * @param kafka consumer properties (bootstrap servers, security); no group is used
   */
  public TopicFollower(
      String name,
      Map<String, Object> kafka,
      Map<Topic<String, ?>, Start> follow,
      Handler handler,
      Clock clock) {
    Map<String, Object> props = new HashMap<>(kafka);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, name + "-" + UUID.randomUUID());
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    // a reader never creates a topic: one created by accident takes the broker's num.partitions
    // (usually 1) instead of the catalogue's, and the processor's inputs stop lining up
    props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    this.consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    follow.forEach(
        (topic, start) -> {
          topics.put(topic.name(), topic);
          starts.put(topic.name(), start);
          records.put(topic.name(), new LongAdder());
          undecodable.put(topic.name(), new LongAdder());
        });
    this.handler = handler;
    this.clock = clock;
    this.lastHeardMillis = clock.millis();
    this.thread = new Thread(this::run, name);
    this.thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  /**
   * True once the broker has said which partitions exist and every one of them has been read up to
   * where it ended then (a topic that does not exist yet counts as read).
   */
  public boolean caughtUp() {
    return caughtUp;
  }

  /** Records read from a topic so far. */
  public long records(String topic) {
    return records.get(topic).sum();
  }

  /** Records of a topic skipped because they could not be decoded. */
  public long undecodable(String topic) {
    return undecodable.get(topic).sum();
  }

  /**
   * When a broker last answered this follower; before its first answer, when the follower was made.
   * Fetches come back at least every half second while a broker is up, so a silence of several
   * seconds means it is unreachable.
   */
  public Instant lastHeardFromBroker() {
    return Instant.ofEpochMilli(lastHeardMillis);
  }

  public List<String> topicNames() {
    return List.copyOf(topics.keySet());
  }

  private void run() {
    try {
      while (running) {
        if (clock.millis() >= nextDiscovery) {
          discover();
          nextDiscovery = clock.millis() + DISCOVERY.toMillis();
        }
        if (consumer.assignment().isEmpty()) {
          checkCaughtUp();
          noteBrokerResponses();
          // no topic exists yet: look again later (or stop, when closed)
          stopped.await(DISCOVERY.toMillis(), TimeUnit.MILLISECONDS);
          continue;
        }
        List<Event> batch = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          Event e = decode(r);
          if (e != null) {
            batch.add(e);
          }
        }
        if (!batch.isEmpty()) {
          handler.accept(batch);
        }
        checkCaughtUp();
        noteBrokerResponses();
      }
    } catch (WakeupException | InterruptedException e) {
      // closing
    } catch (RuntimeException e) {
      log.error("{} stopped following the topics: {}", thread.getName(), e.toString(), e);
    } finally {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(2)));
    }
  }

  private Event decode(ConsumerRecord<byte[], byte[]> r) {
    records.get(r.topic()).increment();
    String key = r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
    Topic<String, ?> topic = topics.get(r.topic());
    try {
      Object value =
          r.value() == null
              ? null
              : topic.valueSerde().deserializer().deserialize(r.topic(), r.value());
      return new Event(r.topic(), key, value, r.timestamp());
    } catch (SerializationException e) {
      undecodable.get(r.topic()).increment();
      if (warned.add(r.topic())) {
        log.warn(
            "skipping undecodable record {}-{}@{} (further ones on this topic are only counted): {}",
            r.topic(),
            r.partition(),
            r.offset(),
            e.getMessage());
      }
      return null;
    }
  }

  private void discover() {
    Set<TopicPartition> fresh = new HashSet<>();
    boolean allAnswered = true;
    for (String name : topics.keySet()) {
      List<PartitionInfo> infos;
      try {
        infos = consumer.partitionsFor(name, Duration.ofSeconds(2));
      } catch (org.apache.kafka.common.errors.TimeoutException e) {
        allAnswered = false; // broker away: try again at the next discovery
        continue;
      }
      if (infos == null) {
        continue; // the topic does not exist (yet)
      }
      for (PartitionInfo p : infos) {
        TopicPartition tp = new TopicPartition(p.topic(), p.partition());
        if (!consumer.assignment().contains(tp)) {
          fresh.add(tp);
        }
      }
    }
    discovered |= allAnswered;
    if (fresh.isEmpty()) {
      return;
    }
    Map<TopicPartition, Long> begin;
    Map<TopicPartition, Long> end;
    Map<TopicPartition, OffsetAndTimestamp> timed;
    try {
      begin = consumer.beginningOffsets(fresh, Duration.ofSeconds(5));
      end = consumer.endOffsets(fresh, Duration.ofSeconds(5));
      Map<TopicPartition, Long> byTime = new HashMap<>();
      for (TopicPartition tp : fresh) {
        if (starts.get(tp.topic()) instanceof Since since) {
          byTime.put(tp, clock.instant().minus(since.ago()).toEpochMilli());
        }
      }
      timed = byTime.isEmpty() ? Map.of() : consumer.offsetsForTimes(byTime, Duration.ofSeconds(5));
    } catch (org.apache.kafka.common.errors.TimeoutException e) {
      discovered = false; // the broker went away in between: these partitions are found again later
      return;
    }
    Set<TopicPartition> all = new HashSet<>(consumer.assignment());
    all.addAll(fresh);
    consumer.assign(all);
    for (TopicPartition tp : fresh) {
      Start start = starts.get(tp.topic());
      long offset;
      if (start instanceof Last last) {
        offset = Math.max(begin.get(tp), end.get(tp) - last.n());
      } else if (start instanceof Since) {
        offset = timed.get(tp) == null ? end.get(tp) : timed.get(tp).offset();
      } else {
        offset = begin.get(tp);
      }
      consumer.seek(tp, offset);
      catchUpTo.put(tp, end.get(tp));
    }
    log.info("{} following {} more partitions", thread.getName(), fresh.size());
  }

  /** Any response counts, fetches and metadata alike: the broker is there. */
  private void noteBrokerResponses() {
    if (responses == null) {
      responses =
          consumer.metrics().entrySet().stream()
              .filter(
                  e ->
                      e.getKey().name().equals("response-total")
                          && e.getKey().group().equals("consumer-metrics"))
              .map(Map.Entry::getValue)
              .findFirst()
              .orElse(null);
      if (responses == null) {
        return;
      }
    }
    double seen = ((Number) responses.metricValue()).doubleValue();
    if (seen > responsesSeen) {
      responsesSeen = seen;
      lastHeardMillis = clock.millis();
    }
  }

  private void checkCaughtUp() {
    if (caughtUp || !discovered) {
      return;
    }
    for (Map.Entry<TopicPartition, Long> e : catchUpTo.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) {
        return;
      }
    }
    caughtUp = true;
    log.info("{} caught up with the topics; following", thread.getName());
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
