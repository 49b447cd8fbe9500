package dev.mesoshealth.schemas.topics;

import dev.mesoshealth.events.AgentInventory;
import dev.mesoshealth.events.CapacityTrend;
import dev.mesoshealth.events.DeadLetter;
import dev.mesoshealth.events.EndpointHealth;
import dev.mesoshealth.events.HealthState;
import dev.mesoshealth.events.HealthTransition;
import dev.mesoshealth.events.MetricSnapshot;
import dev.mesoshealth.events.TaskInventory;
import dev.mesoshealth.schemas.serde.AvroSerde;
import dev.mesoshealth.schemas.serde.ConnectJsonSerde;
import dev.mesoshealth.schemas.topics.Topic.Cleanup;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.connect.data.Struct;

/**
 * The topic catalogue: every topic of the pipeline, once. Input topics the processor reads together
 * share one partition count, so they are co-partitioned by node id.
 */
public final class Topics {
  /** Partition count of the pipeline's keyed topics; inputs must be co-partitioned. */
  public static final int PARTITIONS = 12;

  private static final Serde<String> KEY = Serdes.String();

  public static final Topic<String, MetricSnapshot> METRIC_SNAPSHOTS =
      new Topic<>(
          "mesos.metrics.snapshots",
          KEY,
          AvroSerde.of(MetricSnapshot.class),
          Cleanup.DELETE,
          Duration.ofDays(7),
          PARTITIONS,
          "One MetricSnapshot per poll of every master and agent, failures included.");

  public static final Topic<String, AgentInventory> AGENT_INVENTORY =
      new Topic<>(
          "mesos.inventory.agents",
          KEY,
          AvroSerde.of(AgentInventory.class),
          Cleanup.COMPACT,
          null,
          PARTITIONS,
          "Each agent from the leader's /master/slaves; a tombstone when it leaves.");

  public static final Topic<String, TaskInventory> TASK_INVENTORY =
      new Topic<>(
          "mesos.inventory.tasks",
          KEY,
          AvroSerde.of(TaskInventory.class),
          Cleanup.COMPACT,
          null,
          PARTITIONS,
          "Each Marathon task; a tombstone when it is gone.");

  public static final Topic<String, HealthState> HEALTH_STATES =
      new Topic<>(
          "mesos.health.states",
          KEY,
          AvroSerde.of(HealthState.class),
          Cleanup.COMPACT,
          null,
          PARTITIONS,
          "Latest health of every master, agent and cluster, with reasons.");

  public static final Topic<String, HealthTransition> HEALTH_TRANSITIONS =
      new Topic<>(
          "mesos.health.transitions",
          KEY,
          AvroSerde.of(HealthTransition.class),
          Cleanup.DELETE,
          Duration.ofDays(30),
          PARTITIONS,
          "A record each time a node's health state changes.");

  public static final Topic<String, CapacityTrend> CAPACITY_TRENDS =
      new Topic<>(
          "mesos.capacity.trends",
          KEY,
          AvroSerde.of(CapacityTrend.class),
          Cleanup.DELETE,
          Duration.ofDays(30),
          PARTITIONS,
          "Per group and one-minute window: capacity, trend, forecast, fragmentation.");

  public static final Topic<String, EndpointHealth> ENDPOINT_HEALTH =
      new Topic<>(
          "mesos.endpoints.health",
          KEY,
          AvroSerde.of(EndpointHealth.class),
          Cleanup.COMPACT,
          null,
          PARTITIONS,
          "Per Marathon task endpoint: UP, DRAIN or DOWN, for HAProxy and etcd.");

  public static final Topic<String, DeadLetter> DLQ =
      new Topic<>(
          "mesos.dlq",
          KEY,
          AvroSerde.of(DeadLetter.class),
          Cleanup.DELETE,
          Duration.ofDays(7),
          3,
          "Input records that could not be decoded or processed.");

  /** Per node and minute: worst state, minutes in each state, rule hits, key gauges (BI). */
  public static final Topic<String, Struct> BI_NODE_HEALTH_MINUTELY =
      new Topic<>(
          "mesos.bi.node_health_minutely",
          KEY,
          new ConnectJsonSerde(),
          Cleanup.DELETE,
          Duration.ofDays(7),
          PARTITIONS,
          "BI feed: one flat row per node and minute (JSON with embedded Connect schema).");

  /** Per capacity group and minute: totals, used, free, ratios, placeable counts (BI). */
  public static final Topic<String, Struct> BI_CAPACITY_MINUTELY =
      new Topic<>(
          "mesos.bi.capacity_minutely",
          KEY,
          new ConnectJsonSerde(),
          Cleanup.DELETE,
          Duration.ofDays(30),
          PARTITIONS,
          "BI feed: one flat row per capacity group and minute (JSON with embedded Connect"
              + " schema).");

  /** One row per health transition, reasons flattened to text (BI). */
  public static final Topic<String, Struct> BI_TRANSITIONS =
      new Topic<>(
          "mesos.bi.transitions",
          KEY,
          new ConnectJsonSerde(),
          Cleanup.DELETE,
          Duration.ofDays(30),
          PARTITIONS,
          "BI feed: one flat row per health transition (JSON with embedded Connect schema).");

  /**
   * Never written: its partitions are the slots the collectors of a cluster share through a
   * consumer group ({@code shard=kafka}). Sixty spread evenly over 1-6, 10, 12, 15, 20 or 30
   * collectors.
   */
  public static final Topic<String, byte[]> COLLECTOR_SHARDS =
      new Topic<>(
          "mesos.collector.shards",
          KEY,
          Serdes.ByteArray(),
          Cleanup.DELETE,
          Duration.ofHours(1),
          60,
          "Empty: its partitions are the shard slots collectors with shard=kafka share through a"
              + " consumer group.");

  private static final List<Topic<String, ?>> ALL =
      List.of(
          METRIC_SNAPSHOTS,
          AGENT_INVENTORY,
          TASK_INVENTORY,
          HEALTH_STATES,
          HEALTH_TRANSITIONS,
          CAPACITY_TRENDS,
          ENDPOINT_HEALTH,
          DLQ,
          BI_NODE_HEALTH_MINUTELY,
          BI_CAPACITY_MINUTELY,
          BI_TRANSITIONS,
          COLLECTOR_SHARDS);

  private Topics() {}

  /**
   * Partitions to create a topic with when the pipeline's keyed topics get {@code pipeline}: the
   * dead letters at most their own few, the shard slots always their own count.
   */
  public static int partitions(Topic<?, ?> topic, int pipeline) {
    if (topic == COLLECTOR_SHARDS) {
      return topic.defaultPartitions();
    }
    return topic == DLQ ? Math.min(pipeline, topic.defaultPartitions()) : pipeline;
  }

  /** Every topic of the catalogue, in data-flow order. */
  public static List<Topic<String, ?>> all() {
    return ALL;
  }
}
