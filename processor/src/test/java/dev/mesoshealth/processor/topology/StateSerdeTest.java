package dev.mesoshealth.processor.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.smile.SmileFactory;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.mesoshealth.events.HealthStatus;
import dev.mesoshealth.events.NodeRole;
import dev.mesoshealth.processor.health.NodeMemory;
import dev.mesoshealth.processor.health.NodeMinute;
import dev.mesoshealth.processor.health.Reason;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class StateSerdeTest {
  private static final Instant AT = Instant.parse("2026-11-26T04:10:00.123Z");
  private static final NodeMemory MEMORY =
      new NodeMemory(
          "S1",
          "prod",
          NodeRole.AGENT,
          "host-1",
          "10.0.0.1:5051",
          HealthStatus.DEGRADED,
          AT,
          List.of(
              new Reason("agent.load", HealthStatus.DEGRADED, "load_1min", 9.5, 8.0, "Load high")),
          HealthStatus.UNHEALTHY,
          1,
          0,
          AT.plusSeconds(10),
          AT.plusSeconds(10),
          null,
          Map.of("slave/tasks_failed", 3.0),
          List.of(new NodeMemory.CounterEvent(AT.minusSeconds(60), "tasks_failed", 2.0)),
          new NodeMemory.InventoryView(
              true, true, false, null, false, null, false, null, false, null),
          new NodeMinute(
              NodeMinute.windowStart(AT),
              HealthStatus.HEALTHY,
              HealthStatus.DEGRADED,
              2,
              0,
              Map.of("agent.load", 1),
              Map.of("mesos.slave.cpus_percent", 0.4),
              Map.of(HealthStatus.HEALTHY, 10_000L),
              AT));

  private final StateSerde<NodeMemory> serde = StateSerde.of(NodeMemory.class);

  @Test
  void aNodesMemoryComesBackAsItWent() {
    assertThat(serde.deserialize("t", serde.serialize("t", MEMORY))).isEqualTo(MEMORY);
  }

  @Test
  void instantsAreStoredAsEpochMilliseconds() throws Exception {
    JsonNode tree = new ObjectMapper(new SmileFactory()).readTree(serde.serialize("t", MEMORY));

    assertThat(tree.get("since").isIntegralNumber()).isTrue();
    assertThat(tree.get("since").longValue()).isEqualTo(AT.toEpochMilli());
    assertThat(tree.get("events").get(0).get("at").longValue())
        .isEqualTo(AT.minusSeconds(60).toEpochMilli());
  }

  @Test
  void stateWrittenByEarlierVersionsWithTextInstantsAndOtherFieldsStillReads() throws Exception {
    ObjectMapper earlier =
        new ObjectMapper(new SmileFactory())
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE);
    ObjectNode old = earlier.valueToTree(MEMORY);
    assertThat(old.get("since").isTextual()).as("the earlier form").isTrue();
    old.put("fieldOfAnotherVersion", 1);

    assertThat(serde.deserialize("t", earlier.writeValueAsBytes(old))).isEqualTo(MEMORY);
  }

  @Test
  void undecodableBytesNameTheTypeAndWhere() {
    assertThatThrownBy(() -> serde.deserialize("node-health-changelog", new byte[] {1, 2, 3}))
        .isInstanceOf(SerializationException.class)
        .hasMessageStartingWith("cannot decode NodeMemory from node-health-changelog: ");
  }
}
