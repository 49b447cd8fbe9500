package dev.mesoshealth.collector.publish;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesoshealth.collector.CollectorMetrics;
import dev.mesoshealth.events.MetricSnapshot;
import dev.mesoshealth.schemas.topics.Topics;
import dev.mesoshealth.testkit.KafkaBrokerExtension;
import dev.mesoshealth.testkit.SampleEvents;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The sink waits out a broker outage: everything handed over is delivered once, in order. */
class KafkaEventSinkIT {
  @RegisterExtension static final KafkaBrokerExtension kafka = new KafkaBrokerExtension();

  private static MetricSnapshot numbered(int i) {
    MetricSnapshot s = SampleEvents.snapshot("S" + (i % 10));
    s.setDurationMs(i);
    return s;
  }

  @Test
  void nothingHandedOverDuringAnOutageIsLost() {
    kafka.createTopics(List.of(Topics.METRIC_SNAPSHOTS), 3);
    CollectorMetrics metrics = new CollectorMetrics(new PrometheusRegistry());
    Map<String, Object> config =
        new HashMap<>(Map.of("bootstrap.servers", kafka.bootstrapServers()));
    int total = 0;
    try (KafkaEventSink sink = new KafkaEventSink(config, 64L * 1024 * 1024, metrics)) {
      for (int i = 0; i < 200; i++) {
        sink.snapshot(numbered(total++));
      }
      sink.flush();

      kafka.broker().stop();
      for (int i = 0; i < 300; i++) {
        sink.snapshot(numbered(total++)); // the broker is down: these must wait, not vanish
      }
      kafka.broker().start();
      for (int i = 0; i < 100; i++) {
        sink.snapshot(numbered(total++));
      }
      sink.flush();
      assertThat(sink.dropped()).isZero();
    }

    int expected = total;
    List<ConsumerRecord<String, MetricSnapshot>> records =
        kafka.consumeUntil(
            Topics.METRIC_SNAPSHOTS,
            seen -> seen.size() >= expected,
            Duration.ofSeconds(60),
            expected + " snapshots");

    assertThat(records).hasSize(expected);
    Map<String, List<Long>> perKey = new HashMap<>();
    for (ConsumerRecord<String, MetricSnapshot> r : records) {
      perKey.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value().getDurationMs());
    }
    for (List<Long> sequence : perKey.values()) {
      assertThat(sequence)
          .as("per key, in the order handed over, no duplicate")
          .isSorted()
          .doesNotHaveDuplicates();
    }
    assertThat(metrics.publishedTotal()).isEqualTo(expected);
  }

  @Test
  void eventsWaitForABrokerThatIsNotUpYet() {
    kafka.createTopics(List.of(Topics.AGENT_INVENTORY), 3);
    CollectorMetrics metrics = new CollectorMetrics(new PrometheusRegistry());
    Map<String, Object> config =
        new HashMap<>(Map.of("bootstrap.servers", kafka.bootstrapServers()));
    kafka.broker().stop();
    try (KafkaEventSink sink = new KafkaEventSink(config, 64L * 1024 * 1024, metrics)) {
      for (int i = 0; i < 50; i++) {
        sink.agent("S" + i, SampleEvents.agentInventory("S" + i));
      }
      kafka.broker().start();
      sink.flush();
      assertThat(metrics.publishedTotal()).isEqualTo(50);
    }

    kafka.consumeUntil(
        Topics.AGENT_INVENTORY, seen -> seen.size() >= 50, Duration.ofSeconds(30), "50 agents");
  }

  @Test
  void overflowingTheBudgetDropsAndCountsInsteadOfGrowing() {
    kafka.createTopics(List.of(Topics.METRIC_SNAPSHOTS), 3);
    CollectorMetrics metrics = new CollectorMetrics(new PrometheusRegistry());
    Map<String, Object> config =
        new HashMap<>(Map.of("bootstrap.servers", "127.0.0.1:1", "buffer.memory", "1048576"));
    try (KafkaEventSink sink = new KafkaEventSink(config, 1024 * 1024, metrics)) {
      for (int i = 0; i < 20_000; i++) {
        sink.snapshot(numbered(i));
      }
      assertThat(sink.dropped()).isPositive();
      assertThat(metrics.publishedTotal()).isZero();
    }
  }
}
