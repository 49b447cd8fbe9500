package dev.mesoshealth.bench;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;

/**
 * Where a consumer group (a Streams application) has committed on a topic: under exactly-once, what
 * it has processed, counted once.
 */
final class GroupOffsets {
  private GroupOffsets() {}

  /** Committed offset per partition of the topic; partitions never committed are left out. */
  static Map<TopicPartition, Long> committed(Admin admin, String group, String topic)
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
