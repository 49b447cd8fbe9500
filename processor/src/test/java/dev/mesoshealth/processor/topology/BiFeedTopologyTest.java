package dev.mesoshealth.processor.topology;

import static dev.mesoshealth.processor.topology.TopologyHarness.healthyAgentMetrics;
import static dev.mesoshealth.processor.topology.TopologyHarness.t;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.mesoshealth.events.CapacityTrend;
import dev.mesoshealth.events.HealthTransition;
import dev.mesoshealth.events.Outcome;
import dev.mesoshealth.events.ResourceCapacity;
import dev.mesoshealth.processor.bi.FeedRows;
import dev.mesoshealth.processor.health.NodeMinute;
import dev.mesoshealth.schemas.topics.Topic;
import dev.mesoshealth.schemas.topics.Topics;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The BI feeds as Kafka Connect reads them: every record is decoded with Connect's own {@link
 * JsonConverter} (schemas enabled, no registry), then checked against the facts the health and
 * capacity outputs state.
 */
class BiFeedTopologyTest {
  private final TopologyHarness h = new TopologyHarness();

  @AfterEach
  void close() {
    h.close();
  }

  /** Every record of a feed topic, decoded by Connect's JsonConverter; each must be a struct. */
  private List<Struct> feed(Topic<String, Struct> topic) {
    JsonConverter connect = new JsonConverter();
    connect.configure(Map.of("schemas.enable", "true"), false);
    return h
        .driver
        .createOutputTopic(topic.name(), new StringDeserializer(), new ByteArrayDeserializer())
        .readRecordsToList()
        .stream()
        .map(
            r -> {
              SchemaAndValue v = connect.toConnectData(topic.name(), r.value());
              assertThat(v.value()).as("a record of %s", topic.name()).isInstanceOf(Struct.class);
              ((Struct) v.value()).validate();
              return (Struct) v.value();
            })
        .toList();
  }

  private static Struct minute(List<Struct> rows, String node, int minute) {
    Date at = Date.from(t(60 * minute));
    List<Struct> hits =
        rows.stream()
            .filter(r -> r.getString("node_id").equals(node) && r.get("minute").equals(at))
            .toList();
    assertThat(hits).as("rows of %s at minute %d", node, minute).hasSize(1);
    return hits.get(0);
  }

  @Test
  void eachNodeMinuteIsOneRowOnceTheMinuteIsOver() {
    for (int i = 0; i < 6; i++) {
      h.agent("S1", t(10 * i), healthyAgentMetrics());
    }
    assertThat(feed(Topics.BI_NODE_HEALTH_MINUTELY)).as("the minute is not over yet").isEmpty();

    h.agent("S1", t(60), healthyAgentMetrics());
    h.agentFailed("S1", t(70), Outcome.UNREACHABLE, 100, 1);
    h.agentFailed("S1", t(80), Outcome.UNREACHABLE, 100, 1); // UNREACHABLE from here (K=2)
    h.agentFailed("S1", t(90), Outcome.UNREACHABLE, 100, 1);
    h.agent("S1", t(100), healthyAgentMetrics());
    h.agent("S1", t(110), healthyAgentMetrics()); // two good polls: still UNREACHABLE (M=3)
    List<Struct> firstMinute = feed(Topics.BI_NODE_HEALTH_MINUTELY);
    h.agent("S1", t(120), healthyAgentMetrics());
    List<Struct> secondMinute = feed(Topics.BI_NODE_HEALTH_MINUTELY);

    Struct healthy = minute(firstMinute, "S1", 0);
    assertThat(healthy.schema().name()).isEqualTo("dev.mesoshealth.bi.NodeHealthMinute");
    assertThat(healthy.getString("cluster")).isEqualTo(TopologyHarness.CLUSTER);
    assertThat(healthy.getString("role")).isEqualTo("AGENT");
    assertThat(healthy.getString("hostname")).isEqualTo("host-S1");
    assertThat(healthy.getString("worst_state")).isEqualTo("HEALTHY");
    assertThat(healthy.getInt32("evaluations")).isEqualTo(6);
    assertThat(healthy.getFloat64("minutes_healthy")).isCloseTo(1.0, within(1e-9));
    assertThat(healthy.getFloat64("minutes_unreachable")).isZero();
    assertThat(healthy.getString("rule_hits")).isNull();
    assertThat(healthy.getFloat64("mesos_slave_cpus_percent")).isEqualTo(0.4);
    assertThat(healthy.getFloat64("mesos_slave_tasks_running")).isEqualTo(6.0);
    assertThat(healthy.getFloat64("mesos_registrar_state_store_ms_p99")).isNull();

    Struct sick = minute(secondMinute, "S1", 1);
    assertThat(sick.getString("worst_state")).isEqualTo("UNREACHABLE");
    assertThat(sick.getString("last_state")).isEqualTo("UNREACHABLE");
    assertThat(sick.getInt32("failed_polls")).isEqualTo(3);
    // HEALTHY 60..80 s, UNREACHABLE 80..120 s
    assertThat(sick.getFloat64("minutes_healthy")).isCloseTo(20 / 60.0, within(1e-9));
    assertThat(sick.getFloat64("minutes_unreachable")).isCloseTo(40 / 60.0, within(1e-9));
    NodeMinute stored =
        h.driver
            .<String, NodeMinute>getWindowStore(StoreNames.NODE_MINUTES)
            .fetch("S1", t(60).toEpochMilli());
    assertThat(sick.getString("rule_hits"))
        .isEqualTo("poll.failed=" + stored.ruleHits().get("poll.failed"))
        .startsWith("poll.failed=");
  }

  @Test
  void aNodeThatFallsSilentStillGetsItsLastMinuteFromTheClock() {
    for (int i = 0; i < 4; i++) {
      h.agent("S2", t(10 * i), healthyAgentMetrics());
    }
    h.passWallTime(Duration.ofSeconds(50));
    assertThat(feed(Topics.BI_NODE_HEALTH_MINUTELY)).as("minute 0 not over yet").isEmpty();

    h.passWallTime(Duration.ofSeconds(50)); // 12:01:40, the minute and its grace over
    List<Struct> rows = feed(Topics.BI_NODE_HEALTH_MINUTELY);

    Struct last = minute(rows, "S2", 0);
    assertThat(last.getInt32("evaluations")).isEqualTo(4);
    double total = 0;
    for (Field f : Field.states()) {
      total += last.getFloat64(f.name);
    }
    assertThat(total).as("a closed minute accounts for all its 60 s").isCloseTo(1.0, within(1e-9));
    h.passWallTime(Duration.ofMinutes(2));
    assertThat(feed(Topics.BI_NODE_HEALTH_MINUTELY)).as("written once").isEmpty();
  }

  /** The minutes_* columns. */
  private record Field(String name) {
    static List<Field> states() {
      return FeedRows.NODE_MINUTE.fields().stream()
          .map(org.apache.kafka.connect.data.Field::name)
          .filter(n -> n.startsWith("minutes_"))
          .map(Field::new)
          .toList();
    }
  }

  @Test
  void everyTransitionIsOneRowWithItsReasonsAsText() {
    h.mastersRound(t(0));
    h.agent("S1", t(0), healthyAgentMetrics());
    h.agentFailed("S1", t(10), Outcome.UNREACHABLE, 100, 1);
    h.agentFailed("S1", t(20), Outcome.TIMEOUT, 100, 1);

    List<HealthTransition> avro =
        h.transitions.readRecordsToList().stream().map(TestRecord::value).toList();
    List<Struct> rows = feed(Topics.BI_TRANSITIONS);

    assertThat(rows).hasSameSizeAs(avro).isNotEmpty();
    for (int i = 0; i < avro.size(); i++) {
      HealthTransition t = avro.get(i);
      Struct row = rows.get(i);
      assertThat(row.getString("node_id")).isEqualTo(t.getNode().getId());
      assertThat(row.get("at")).isEqualTo(Date.from(t.getAt()));
      assertThat(row.getString("role")).isEqualTo(t.getNode().getRole().name());
      assertThat(row.getString("from_state")).isEqualTo(t.getFrom().name());
      assertThat(row.getString("to_state")).isEqualTo(t.getTo().name());
    }
    Struct unreachable =
        rows.stream()
            .filter(r -> r.getString("node_id").equals("S1"))
            .filter(r -> r.getString("to_state").equals("UNREACHABLE"))
            .findFirst()
            .orElseThrow();
    assertThat(unreachable.get("at")).isEqualTo(Date.from(t(20)));
    assertThat(unreachable.getString("from_state")).isEqualTo("HEALTHY");
    assertThat(unreachable.getString("rules")).isEqualTo("poll.failed");
    assertThat(unreachable.getString("reasons"))
        .isEqualTo("poll.failed (UNREACHABLE): 2 poll(s) in a row failed: connection refused");
    assertThat(unreachable.schema().field("at").schema().name()).isEqualTo(Timestamp.LOGICAL_NAME);
  }

  @Test
  void eachClosedCapacityWindowIsOneFlatRowPerGroup() {
    var trends =
        h.driver.createOutputTopic(
            Topics.CAPACITY_TRENDS.name(),
            new StringDeserializer(),
            Topics.CAPACITY_TRENDS.valueSerde().deserializer());
    h.agentListed("S9", t(5), true, false, null);
    h.agentListed("S8", t(6), true, false, null);
    assertThat(feed(Topics.BI_CAPACITY_MINUTELY)).as("window still open").isEmpty();
    h.agentListed("S9", t(95), true, false, null);
    h.agentListed("S8", t(96), true, false, null);

    List<CapacityTrend> closed =
        trends.readRecordsToList().stream()
            .map(TestRecord::value)
            .filter(CapacityTrend::getFinal$)
            .toList();
    List<Struct> rows = feed(Topics.BI_CAPACITY_MINUTELY);

    assertThat(closed).isNotEmpty();
    assertThat(rows).hasSameSizeAs(closed);
    for (CapacityTrend c : closed) {
      Struct row =
          rows.stream()
              .filter(r -> r.getString("group_id").equals(c.getGroupId()))
              .findFirst()
              .orElseThrow();
      assertThat(row.get("minute")).isEqualTo(Date.from(t(0)));
      assertThat(row.getString("group_kind")).isEqualTo(c.getKind().name());
      assertThat(row.getInt32("agents")).isEqualTo(c.getAgents()).isEqualTo(2);
      for (ResourceCapacity r : c.getResources()) {
        assertThat(row.getFloat64(r.getResource() + "_total")).isEqualTo(r.getTotal());
        assertThat(row.getFloat64(r.getResource() + "_used")).isEqualTo(r.getUsed());
        assertThat(row.getFloat64(r.getResource() + "_free")).isEqualTo(r.getFree());
        assertThat(row.getFloat64(r.getResource() + "_used_ratio")).isEqualTo(r.getUsedRatio());
      }
      c.getShapes()
          .forEach(
              s ->
                  assertThat(row.getInt64("placeable_" + s.getShape()))
                      .isEqualTo(s.getPlaceable()));
      assertThat(row.getFloat64("fragmentation_index")).isEqualTo(c.getFragmentationIndex());
      assertThat(row.getFloat64("largest_free_cpus")).isEqualTo(c.getLargestFreeSlot().getCpus());
    }
    assertThat(rows.get(0).schema().field("cpus_total").schema()).isEqualTo(Schema.FLOAT64_SCHEMA);
    assertThat(rows.get(0).getFloat64("cpus_total")).isPositive();
  }
}
