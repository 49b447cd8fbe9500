package dev.mesoshealth.processor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mesoshealth.events.DeadLetter;
import dev.mesoshealth.events.MetricSnapshot;
import dev.mesoshealth.processor.ProcessorConfig;
import dev.mesoshealth.processor.ProcessorMain;
import dev.mesoshealth.schemas.topics.Topic;
import dev.mesoshealth.schemas.topics.Topics;
import dev.mesoshealth.testkit.KafkaBrokerExtension;
import dev.mesoshealth.testkit.SampleEvents;
import dev.mesoshealth.testkit.TopicProbe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Poison on every input topic of a running processor, through the real broker: garbage bytes, a
 * record with an unknown schema fingerprint, and one over the size limit. Each is counted and
 * written to mesos.dlq with its topic, offset and why; the good records after them are processed.
 */
class PoisonRecordsIT {
  @RegisterExtension static final KafkaBrokerExtension kafka = new KafkaBrokerExtension();

  private static final int LIMIT = 16 * 1024;

  @Test
  void poisonOnEveryInputTopicIsDeadLetteredAndProcessingGoesOn() throws Exception {
    kafka.createTopics(Topics.all(), 3);
    Map<String, String> p = new HashMap<>();
    p.put("kafka.bootstrap.servers", kafka.bootstrapServers());
    p.put("application.id", "poison");
    p.put("topics.partitions", "3");
    p.put("api.port", "0");
    p.put("max.record.bytes", Integer.toString(LIMIT));
    p.put("state.dir", Files.createTempDirectory("poison-").toString());
    try (ProcessorMain processor = ProcessorMain.start(ProcessorConfig.fromFlags(p))) {
      List<Topic<String, ?>> inputs =
          List.of(Topics.METRIC_SNAPSHOTS, Topics.AGENT_INVENTORY, Topics.TASK_INVENTORY);
      byte[] unknownFingerprint =
          Topics.METRIC_SNAPSHOTS
              .valueSerde()
              .serializer()
              .serialize("t", SampleEvents.snapshot("S9"));
      unknownFingerprint[3] ^= 0x7f;
      for (Topic<String, ?> topic : inputs) {
        produce(topic, "garbage", "{\"not\": \"avro\"}".getBytes(StandardCharsets.UTF_8));
        produce(topic, "foreign", unknownFingerprint);
        produce(topic, "huge", new byte[LIMIT + 1]);
      }
      MetricSnapshot good = SampleEvents.snapshot("P1");
      good.setPolledAt(Instant.now());
      kafka.produce(Topics.METRIC_SNAPSHOTS, List.of(Map.entry("P1", good)));

      List<ConsumerRecord<String, DeadLetter>> dead =
          kafka.consumeUntil(
              Topics.DLQ, r -> r.size() >= 9, Duration.ofSeconds(60), "3 dead letters per topic");
      assertThat(dead).hasSize(9);
      for (Topic<String, ?> topic : inputs) {
        List<DeadLetter> ofTopic =
            dead.stream()
                .map(ConsumerRecord::value)
                .filter(d -> d.getTopic().equals(topic.name()))
                .toList();
        assertThat(ofTopic).as("dead letters of %s", topic).hasSize(3);
        assertThat(ofTopic)
            .extracting(DeadLetter::getError)
            .anySatisfy(e -> assertThat(e).contains("not Avro single-object encoding"))
            .anySatisfy(e -> assertThat(e).contains("unknown schema fingerprint"))
            .anySatisfy(e -> assertThat(e).contains("over the " + LIMIT + "-byte limit"));
      }
      await("the good record after the poison is processed")
          .atMost(Duration.ofSeconds(30))
          .until(() -> Rest.get(processor.apiUrl() + "/v1/nodes/P1/health").status() == 200);
      String metrics =
          java.net.http.HttpClient.newHttpClient()
              .send(
                  java.net.http.HttpRequest.newBuilder(
                          java.net.URI.create(processor.apiUrl() + "/metrics"))
                      .build(),
                  java.net.http.HttpResponse.BodyHandlers.ofString())
              .body();
      for (Topic<String, ?> topic : inputs) {
        assertThat(metrics)
            .contains(
                "mesos_health_processor_dead_letters_total{topic=\"" + topic.name() + "\"} 3.0");
      }
    }
  }

  private static void produce(Topic<String, ?> topic, String key, byte[] value) {
    TopicProbe.produceBytes(
        kafka.bootstrapServers(), topic.name(), key.getBytes(StandardCharsets.UTF_8), value);
  }
}
