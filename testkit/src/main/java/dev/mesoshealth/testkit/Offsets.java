package dev.mesoshealth.testkit;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * A topic's end offsets and a consumer group's committed offsets on it, for tests and benchmarks
 * that must know when a Streams application or a Connect sink has processed everything. Under
 * exactly-once, a committed offset is what was processed, counted once.
 */
public final class Offsets {
  private Offsets() {}

  /** The end offset of every partition of the topic; empty while the topic does not exist. */
  public static Map<TopicPartition, Long> end(Admin admin, String topic) throws Exception {
    List<org.apache.kafka.common.TopicPartitionInfo> partitions;
    try {
      partitions =
          admin
              .describeTopics(List.of(topic))
              .allTopicNames()
              .get(30, TimeUnit.SECONDS)
              .get(topic)
              .partitions();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return Map.of();
      }
      throw e;
    }
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    partitions.forEach(
        p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
    Map<TopicPartition, Long> out = new HashMap<>();
    admin
        .listOffsets(latest)
        .all()
        .get(30, TimeUnit.SECONDS)
        .forEach((tp, info) -> out.put(tp, info.offset()));
    return out;
  }

  /** The group's committed offset per partition of the topic; partitions never committed: none. */
  public static Map<TopicPartition, Long> committed(Admin admin, String group, String topic)
      throws Exception {
    Map<TopicPartition, Long> out = new HashMap<>();
    admin
        .listConsumerGroupOffsets(group)
        .partitionsToOffsetAndMetadata()
        .get(30, TimeUnit.SECONDS)
        .forEach(
            (tp, offset) -> {
              if (offset != null && tp.topic().equals(topic)) {
                out.put(tp, offset.offset());
              }
            });
    return out;
  }
}
