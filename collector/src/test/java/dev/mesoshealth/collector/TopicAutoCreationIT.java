package dev.mesoshealth.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mesoshealth.collector.publish.KafkaEventSink;
import dev.mesoshealth.schemas.topics.TopicCreator;
import dev.mesoshealth.schemas.topics.TopicFollower;
import dev.mesoshealth.schemas.topics.Topics;
import dev.mesoshealth.testkit.KafkaBrokerExtension;
import dev.mesoshealth.testkit.SampleEvents;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A broker that creates a topic on first use with its own num.partitions, as the apache/kafka image
 * does by default (docker-compose.yml's Kafka). A topic created that way has one partition: the
 * processor's snapshots and inventory then stop lining up and most agents stay UNKNOWN, which is
 * how the compose drill found it. No reader of ours creates a topic, and the collector publishes
 * only once its topics exist as the catalogue says.
 */
class TopicAutoCreationIT {
  @RegisterExtension
  static final KafkaBrokerExtension kafka =
      new KafkaBrokerExtension(Map.of("auto.create.topics.enable", "true", "num.partitions", "1"));

  private static Map<String, Object> client() {
    return new HashMap<>(Map.of("bootstrap.servers", kafka.bootstrapServers()));
  }

  private static Map<String, Integer> partitions() {
    return TopicCreator.partitionCounts(client(), Topics.all(), Duration.ofSeconds(10));
  }

  @Test
  void readingATopicThatIsNotThereYetDoesNotCreateIt() {
    assertThat(InventoryRecall.read(client(), "c", Duration.ofSeconds(2))).isEmpty();
    try (TopicFollower follower =
        new TopicFollower(
            "auto-creation-it",
            client(),
            Map.of(Topics.HEALTH_STATES, TopicFollower.Start.beginning()),
            events -> {},
            Clock.systemUTC())) {
      follower.start();
      await("the follower has asked the broker").until(follower::caughtUp);
    }
    assertThat(partitions())
        .doesNotContainKeys(Topics.AGENT_INVENTORY.name(), Topics.HEALTH_STATES.name());
  }

  @Test
  void theCollectorsEventsWaitUntilItsTopicsExist() throws Exception {
    CompletableFuture<Void> topicsReady = new CompletableFuture<>();
    CollectorMetrics metrics = new CollectorMetrics(new PrometheusRegistry());
    try (KafkaEventSink sink =
        new KafkaEventSink(client(), 64L * 1024 * 1024, metrics, topicsReady)) {
      for (int i = 0; i < 20; i++) {
        sink.snapshot(SampleEvents.snapshot("S" + i));
      }
      // a producer that sent now would have the broker create the topic within milliseconds
      await("the events held while the topics are not known to exist")
          .during(Duration.ofSeconds(2))
          .atMost(Duration.ofSeconds(5))
          .until(() -> !partitions().containsKey(Topics.METRIC_SNAPSHOTS.name()));
      // what the collector's topic creator does, in its own time: three partitions, not one
      TopicCreator.createMissing(client(), List.of(Topics.METRIC_SNAPSHOTS), 3, (short) 1);
      topicsReady.complete(null);
      sink.flush();
      assertThat(metrics.publishedTotal()).isEqualTo(20);
    }
    assertThat(partitions()).containsEntry(Topics.METRIC_SNAPSHOTS.name(), 3);
    kafka.consumeUntil(
        Topics.METRIC_SNAPSHOTS, seen -> seen.size() >= 20, Duration.ofSeconds(30), "20 snapshots");
  }
}
