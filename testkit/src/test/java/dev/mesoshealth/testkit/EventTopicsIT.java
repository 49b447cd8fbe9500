package dev.mesoshealth.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesoshealth.schemas.topics.Topic;
import dev.mesoshealth.schemas.topics.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every catalogue topic carries its record type through a real broker with the real Serdes. */
class EventTopicsIT {
  @RegisterExtension static final KafkaBrokerExtension kafka = new KafkaBrokerExtension();

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @BeforeAll
  static void createTopics() {
    kafka.createTopics(Topics.all(), 2);
  }

  @Test
  void topicsAreCreatedWithTheirCatalogueConfigs() throws Exception {
    try (Admin admin = kafka.broker().admin()) {
      Map<String, TopicDescription> topics =
          admin
              .describeTopics(Topics.all().stream().map(Topic::name).toList())
              .allTopicNames()
              .get();
      assertThat(topics).hasSize(Topics.all().size());
      var configs =
          admin
              .describeConfigs(
                  List.of(new ConfigResource(ConfigResource.Type.TOPIC, "mesos.health.states")))
              .all()
              .get();
      assertThat(configs.values().iterator().next().get("cleanup.policy").value())
          .isEqualTo("compact");
    }
  }

  @Test
  void everyTopicCarriesItsRecordType() {
    roundTrip(Topics.METRIC_SNAPSHOTS, "S1", SampleEvents.snapshot("S1"));
    roundTrip(Topics.AGENT_INVENTORY, "S1", SampleEvents.agentInventory("S1"));
    roundTrip(Topics.TASK_INVENTORY, "web.1", SampleEvents.taskInventory("web.1", "S1"));
    roundTrip(Topics.HEALTH_STATES, "S1", SampleEvents.healthState("S1"));
    roundTrip(Topics.HEALTH_TRANSITIONS, "S1", SampleEvents.transition("S1"));
    roundTrip(Topics.CAPACITY_TRENDS, "prod", SampleEvents.capacityTrend());
    roundTrip(
        Topics.ENDPOINT_HEALTH, "/web/frontend|web.1", SampleEvents.endpointHealth("web.1", "S1"));
    roundTrip(Topics.DLQ, "k", SampleEvents.deadLetter());
  }

  @Test
  void tombstonesTravelAsNull() {
    kafka.produce(
        Topics.AGENT_INVENTORY, List.of(new java.util.AbstractMap.SimpleEntry<>("gone", null)));

    List<ConsumerRecord<String, dev.mesoshealth.events.AgentInventory>> records =
        kafka.consumeUntil(
            Topics.AGENT_INVENTORY,
            seen -> seen.stream().anyMatch(r -> r.key().equals("gone") && r.value() == null),
            TIMEOUT,
            "a tombstone for agent 'gone'");
    assertThat(records).isNotEmpty();
  }

  private static <V> void roundTrip(Topic<String, V> topic, String key, V value) {
    kafka.produce(topic, List.of(Map.entry(key, value)));

    List<ConsumerRecord<String, V>> records =
        kafka.consumeUntil(
            topic,
            seen -> seen.stream().anyMatch(r -> r.key().equals(key) && value.equals(r.value())),
            TIMEOUT,
            "the record with key " + key);
    assertThat(records).extracting(ConsumerRecord::key).contains(key);
  }
}
