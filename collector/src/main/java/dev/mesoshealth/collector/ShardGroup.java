package dev.mesoshealth.collector;

import dev.mesoshealth.collector.core.AgentShare;
import dev.mesoshealth.collector.core.Shard;
import dev.mesoshealth.schemas.topics.Topics;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The collectors of one cluster share its agents through a Kafka consumer group ({@code
 * shard=kafka}): the partitions of {@code mesos.collector.shards} are slots, an agent belongs to
 * the slot its id hashes to ({@link Shard#slot}), and the group's assignment says which slots this
 * collector polls. A collector that dies stops heartbeating, and after the session timeout its
 * slots move to the others; one that joins takes some. The assignor is cooperative, so a rebalance
 * stops only the slots that move. Whoever holds slot 0 also polls the masters and Marathon and
 * publishes the inventories. Nothing is written to the topic or read from it.
 *
 * <p>While Kafka is away the collector keeps the slots it has (and its events wait in the sink's
 * buffer); if the group moved them meanwhile, it learns so when it is back and lets them go.
 */
final class ShardGroup implements AgentShare, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ShardGroup.class);

  /** The slots held now, out of how many. */
  private record Held(Set<Integer> slots, int count) {
    static final Held NONE = new Held(Set.of(), 0);
  }

  private final KafkaConsumer<String, byte[]> consumer;
  private final Duration sessionTimeout;
  private final Thread thread;
  private volatile Runnable changed = () -> {};
  private volatile Held held = Held.NONE;
  private volatile boolean running = true;

  /**
   * @param kafka Kafka client settings (bootstrap servers, TLS, SASL)
   */
  ShardGroup(
      Map<String, Object> kafka, String cluster, String collectorId, Duration sessionTimeout) {
    Map<String, Object> c = new HashMap<>(kafka);
    c.put(ConsumerConfig.GROUP_ID_CONFIG, groupId(cluster));
    c.put(ConsumerConfig.CLIENT_ID_CONFIG, "mesos-health-collector-" + collectorId + "-shards");
    // the classic protocol: the client sets the session timeout (the consumer protocol leaves it
    // to the broker, 45 s by default: too slow a takeover)
    c.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
    c.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) sessionTimeout.toMillis());
    // heartbeats are how members learn of a rebalance: often, so a takeover starts promptly
    c.put(
        ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
        (int) Math.max(100, Math.min(500, sessionTimeout.toMillis() / 4)));
    c.put(
        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
        List.of(CooperativeStickyAssignor.class.getName()));
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    // a reader never creates a topic: one created by accident takes the broker's num.partitions
    // (usually 1), and one slot would leave every collector but one idle
    c.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    this.consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
    this.sessionTimeout = sessionTimeout;
    this.thread = new Thread(this::run, "collector-shard-group");
    thread.setDaemon(true);
  }

  static String groupId(String cluster) {
    return "mesos-health-collectors." + cluster;
  }

  /**
   * Joins the group.
   *
   * @param changed called on the group's thread after the held slots change; must not block
   */
  void start(Runnable changed) {
    this.changed = changed;
    thread.start();
  }

  @Override
  public boolean accepts(String agentId) {
    Held h = held;
    return h.count() > 0 && h.slots().contains(Shard.slot(agentId, h.count()));
  }

  @Override
  public boolean pollsMasters() {
    return held.slots().contains(0);
  }

  /** The slots held now, for tests and logs. */
  Set<Integer> slots() {
    return held.slots();
  }

  private void run() {
    String lastProblem = null;
    long warnAt = System.nanoTime() + sessionTimeout.multipliedBy(3).toNanos();
    try {
      consumer.subscribe(List.of(Topics.COLLECTOR_SHARDS.name()), new Listener());
      while (running) {
        try {
          // rebalances happen in here (the heartbeats run on their own): no record ever comes
          consumer.poll(Duration.ofMillis(200));
          lastProblem = null;
          if (warnAt != 0 && held.count() == 0 && System.nanoTime() - warnAt > 0) {
            warnAt = 0;
            log.warn(
                "shard group: no slot assigned yet, so no agent is polled; does the topic {} exist?",
                Topics.COLLECTOR_SHARDS.name());
          }
        } catch (WakeupException e) {
          break;
        } catch (KafkaException e) {
          if (!e.toString().equals(lastProblem)) {
            lastProblem = e.toString();
            log.warn("shard group: {}; keeping slots {} meanwhile", e, held.slots());
          }
        }
      }
    } finally {
      consumer.close(); // leaves the group: the others take the slots now, not after the timeout
    }
  }

  private final class Listener implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      change(partitions, false);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      change(partitions, false);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      change(partitions, true);
    }

    private void change(Collection<TopicPartition> partitions, boolean add) {
      Set<Integer> slots = new TreeSet<>(held.slots());
      for (TopicPartition p : partitions) {
        if (add) {
          slots.add(p.partition());
        } else {
          slots.remove(p.partition());
        }
      }
      int count = held.count();
      if (add) {
        // the slot count is the topic's partition count, read again at each assignment in case
        // partitions were added (which rebalances the group)
        count = consumer.partitionsFor(Topics.COLLECTOR_SHARDS.name()).size();
      }
      Held now = new Held(Set.copyOf(slots), count);
      if (!now.equals(held)) {
        held = now;
        log.info("shard group: this collector holds slots {} of {}", slots, count);
        changed.run();
      }
    }
  }

  @Override
  public String toString() {
    Held h = held;
    return "kafka " + h.slots().size() + "/" + h.count();
  }

  @Override
  public void close() {
    running = false;
    if (thread.getState() == Thread.State.NEW) {
      consumer.close();
      return;
    }
    consumer.wakeup();
    try {
      thread.join(Duration.ofSeconds(10).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
