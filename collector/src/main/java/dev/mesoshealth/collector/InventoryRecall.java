package dev.mesoshealth.collector;

import dev.mesoshealth.events.AgentInventory;
import dev.mesoshealth.schemas.topics.Topic;
import dev.mesoshealth.schemas.topics.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads back, at start, the agent inventory this cluster's collectors published
 * (mesos.inventory.agents is compacted: the last entry of every agent still in the cluster). A
 * collector that starts after the master stopped listing an agent learns its address only here.
 * Best effort: an unreadable topic or record is logged and skipped, never a reason not to start.
 */
final class InventoryRecall {
  private static final Logger log = LoggerFactory.getLogger(InventoryRecall.class);

  private InventoryRecall() {}

  static List<AgentInventory> read(Map<String, Object> kafka, String cluster, Duration within) {
    Topic<String, AgentInventory> topic = Topics.AGENT_INVENTORY;
    Map<String, Object> c = new HashMap<>(kafka);
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    // a reader never creates a topic: one created by accident takes the broker's num.partitions
    // (usually 1) instead of the catalogue's, and the processor's inputs stop lining up
    c.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    c.remove(ConsumerConfig.GROUP_ID_CONFIG);
    Map<String, AgentInventory> last = new HashMap<>();
    int unreadable = 0;
    long deadline = System.nanoTime() + within.toNanos();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c)) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic.name(), within);
      if (infos == null || infos.isEmpty()) {
        return List.of();
      }
      List<TopicPartition> partitions = new ArrayList<>();
      infos.forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, within);
      while (!caughtUp(consumer, end)) {
        if (System.nanoTime() > deadline) {
          log.warn(
              "read back {} agents of {} within {}, not all: the rest are learnt from the masters",
              last.size(),
              topic.name(),
              within);
          break;
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          try {
            String id = topic.keySerde().deserializer().deserialize(topic.name(), r.key());
            AgentInventory a =
                r.value() == null
                    ? null
                    : topic.valueSerde().deserializer().deserialize(topic.name(), r.value());
            if (a == null) {
              last.remove(id); // a tombstone: the agent left
            } else if (cluster.equals(a.getCluster())) {
              last.put(id, a);
            }
          } catch (RuntimeException e) {
            unreadable++;
          }
        }
      }
    } catch (KafkaException e) {
      log.warn("could not read back {}: {}", topic.name(), e.toString());
      return List.of();
    }
    if (unreadable > 0) {
      log.warn("{} unreadable records in {} skipped", unreadable, topic.name());
    }
    return List.copyOf(last.values());
  }

  private static boolean caughtUp(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }
}
