package dev.mesoshealth.schemas.topics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

class TopicsTest {

  @Test
  void catalogueHoldsEveryTopicOfTheDesignOnce() {
    List<String> names = Topics.all().stream().map(Topic::name).toList();

    assertThat(names)
        .containsExactly(
            "mesos.metrics.snapshots",
            "mesos.inventory.agents",
            "mesos.inventory.tasks",
            "mesos.health.states",
            "mesos.health.transitions",
            "mesos.capacity.trends",
            "mesos.endpoints.health",
            "mesos.dlq",
            "mesos.bi.node_health_minutely",
            "mesos.bi.capacity_minutely",
            "mesos.bi.transitions",
            "mesos.collector.shards");
  }

  @Test
  void theShardSlotsKeepTheirCountAndTheDeadLettersTheirFew() {
    assertThat(Topics.partitions(Topics.METRIC_SNAPSHOTS, 24)).isEqualTo(24);
    assertThat(Topics.partitions(Topics.COLLECTOR_SHARDS, 24)).isEqualTo(60);
    assertThat(Topics.partitions(Topics.COLLECTOR_SHARDS, 3)).isEqualTo(60);
    assertThat(Topics.partitions(Topics.DLQ, 24)).isEqualTo(3);
    assertThat(Topics.partitions(Topics.DLQ, 1)).isEqualTo(1);
  }

  @Test
  void compactedTopicsKeepLatestPerKeyAndOthersExpire() {
    assertThat(Topics.HEALTH_STATES.configs())
        .containsEntry(TopicConfig.CLEANUP_POLICY_CONFIG, "compact")
        .doesNotContainKey(TopicConfig.RETENTION_MS_CONFIG);
    assertThat(Topics.METRIC_SNAPSHOTS.configs())
        .containsEntry(TopicConfig.CLEANUP_POLICY_CONFIG, "delete")
        .containsEntry(
            TopicConfig.RETENTION_MS_CONFIG, Long.toString(Duration.ofDays(7).toMillis()));
    assertThat(Topics.HEALTH_TRANSITIONS.retention()).isEqualTo(Duration.ofDays(30));
  }

  @Test
  void processorInputsAreCoPartitioned() {
    assertThat(Topics.METRIC_SNAPSHOTS.defaultPartitions())
        .isEqualTo(Topics.AGENT_INVENTORY.defaultPartitions())
        .isEqualTo(Topics.TASK_INVENTORY.defaultPartitions());
  }

  @Test
  void newTopicCarriesTheConfigs() {
    var request = Topics.ENDPOINT_HEALTH.newTopic(3, (short) 1);

    assertThat(request.name()).isEqualTo("mesos.endpoints.health");
    assertThat(request.numPartitions()).isEqualTo(3);
    assertThat(request.configs()).containsEntry("cleanup.policy", "compact");
  }
}
