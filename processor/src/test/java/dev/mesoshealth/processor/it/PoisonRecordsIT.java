package dev.mesoshealth.processor.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mesoshealth.events.AgentInventory;
import dev.mesoshealth.events.DeadLetter;
import dev.mesoshealth.events.MetricSnapshot;
import dev.mesoshealth.events.TaskInventory;
import dev.mesoshealth.processor.ProcessorConfig;
import dev.mesoshealth.processor.ProcessorMain;
import dev.mesoshealth.schemas.topics.Topic;
import dev.mesoshealth.schemas.topics.Topics;
import dev.mesoshealth.service.SharedConfig;
import dev.mesoshealth.testkit.ItFlags;
import dev.mesoshealth.testkit.KafkaBrokerExtension;
import dev.mesoshealth.testkit.ProcessorRest;
import dev.mesoshealth.testkit.SampleEvents;
import dev.mesoshealth.testkit.TopicProbe;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Poison on every input topic of a running processor, through the real broker: garbage bytes, a
 * record with an unknown schema fingerprint, and one over the size limit. Each is counted and
 * written to mesos.dlq with its topic, partition, offset and why; a good record of the same key (so
 * the same partition) after each is processed, and every partition is committed to its end.
 */
class PoisonRecordsIT {
  @RegisterExtension static final KafkaBrokerExtension kafka = new KafkaBrokerExtension();

  private static final int LIMIT = 16 * 1024;

  @Test
  void poisonOnEveryInputTopicIsDeadLetteredAndProcessingGoesOn() throws Exception {
    kafka.createTopics(Topics.all(), 3);
    Map<String, String> p = ItFlags.processor("poison", kafka.bootstrapServers());
    p.remove(SharedConfig.POLL_INTERVAL);
    p.put("max.record.bytes", Integer.toString(LIMIT));
    try (ProcessorMain processor = ProcessorMain.start(ProcessorConfig.fromFlags(p))) {
      List<Topic<String, ?>> inputs =
          List.of(Topics.METRIC_SNAPSHOTS, Topics.AGENT_INVENTORY, Topics.TASK_INVENTORY);
      byte[] unknownFingerprint =
          Topics.METRIC_SNAPSHOTS
              .valueSerde()
              .serializer()
              .serialize("t", SampleEvents.snapshot("S9"));
      unknownFingerprint[3] ^= 0x7f;
      // where each poison landed: its dead letter must say so
      List<String> landed = new ArrayList<>();
      for (Topic<String, ?> topic : inputs) {
        landed.add(where(produce(topic, "garbage", "{\"not\": \"avro\"}".getBytes(UTF_8))));
        landed.add(where(produce(topic, "foreign", unknownFingerprint)));
        landed.add(where(produce(topic, "huge", new byte[LIMIT + 1])));
      }
      // then a good record of the same key on every input topic: same key, same partition, so a
      // partition that stalled after its dead letter would leave it unprocessed
      Instant now = Instant.now();
      for (String key : POISON_KEYS) {
        MetricSnapshot good = SampleEvents.snapshot(key);
        good.setPolledAt(now);
        kafka.produce(Topics.METRIC_SNAPSHOTS, List.of(Map.entry(key, good)));
        kafka.produce(Topics.AGENT_INVENTORY, List.of(Map.entry(key, agent(key, now))));
        TaskInventory task = SampleEvents.taskInventory(key, key);
        kafka.produce(Topics.TASK_INVENTORY, List.of(Map.entry(key, task)));
      }

      List<ConsumerRecord<String, DeadLetter>> dead =
          kafka.consumeUntil(
              Topics.DLQ, r -> r.size() >= 9, Duration.ofSeconds(60), "3 dead letters per topic");
      assertThat(dead).hasSize(9);
      assertThat(dead)
          .extracting(r -> where(r.value()))
          .as("each dead letter names the topic, partition and offset of its poison")
          .containsExactlyInAnyOrderElementsOf(landed);
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
        // every partition, the poisoned ones included, processed up to its end
        kafka.awaitCommitted("poison", topic.name(), Duration.ofSeconds(30));
      }
      for (String key : POISON_KEYS) {
        await("the good snapshot of " + key + " after its poison is evaluated")
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    ProcessorRest.get(processor.apiUrl() + "/v1/nodes/" + key + "/health").status()
                        == 200);
      }
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

  private static final List<String> POISON_KEYS = List.of("garbage", "foreign", "huge");

  private static RecordMetadata produce(Topic<String, ?> topic, String key, byte[] value) {
    return TopicProbe.produceBytes(
        kafka.bootstrapServers(), topic.name(), key.getBytes(UTF_8), value);
  }

  private static AgentInventory agent(String id, Instant at) {
    AgentInventory a = SampleEvents.agentInventory(id);
    a.setObservedAt(at);
    return a;
  }

  private static String where(RecordMetadata m) {
    return m.topic() + "/" + m.partition() + "@" + m.offset();
  }

  private static String where(DeadLetter d) {
    return d.getTopic() + "/" + d.getPartition() + "@" + d.getOffset();
  }
}
