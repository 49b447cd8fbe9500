package dev.mesoshealth.collector.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

/** The producer settings the sink's no-loss promise rests on. */
class KafkaEventSinkTest {
  @Test
  void noLossAndNoWedgedPartitionOnANewTopic() {
    Map<String, Object> c = KafkaEventSink.withDefaults(Map.of("bootstrap.servers", "k:9092"));

    assertThat(c)
        .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
        .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
        .containsEntry(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.MAX_VALUE)
        // with an unbounded delivery timeout, a second request in flight can wedge a partition
        // that was just created (KAFKA-15591)
        .containsEntry(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1)
        .containsEntry("bootstrap.servers", "k:9092");
  }
}
