package dev.mesoshealth.collector.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Operator API stream read from the real captures, RecordIO framed as Mesos sends them. */
class OperatorEventsTest {

  private static byte[] framed(String fixture) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (InputStream in = OperatorEventsTest.class.getResourceAsStream("/fixtures/" + fixture)) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank()) {
          byte[] json = line.getBytes(StandardCharsets.UTF_8);
          out.write((json.length + "\n").getBytes(StandardCharsets.US_ASCII));
          out.write(json);
        }
      }
    }
    return out.toByteArray();
  }

  private static List<OperatorEvents.Event> readAll(byte[] stream) throws Exception {
    List<OperatorEvents.Event> events = new ArrayList<>();
    InputStream in = new ByteArrayInputStream(stream);
    byte[] record;
    while ((record = OperatorEvents.nextRecord(in, 1 << 20)) != null) {
      events.add(OperatorEvents.parse(record));
    }
    return events;
  }

  @Test
  void aMesos15StreamStartsWithTheAgentsAndCarriesTaskEventsWeLeaveToTheReconcile()
      throws Exception {
    List<OperatorEvents.Event> events =
        readAll(framed("dcos-net-operator-api-subscribe-1.5.0.jsonl"));

    assertThat(events).hasSize(38);
    assertThat(events.get(0))
        .isEqualTo(
            new OperatorEvents.Subscribed(
                List.of(
                    "30257977-0153-499d-a5b0-35afd842ef4d-S0",
                    "30257977-0153-499d-a5b0-35afd842ef4d-S1"),
                List.of(),
                15.0));
    assertThat(events.subList(1, events.size()))
        .allSatisfy(e -> assertThat(e).isInstanceOf(OperatorEvents.Other.class));
  }

  @Test
  void aMesos19StreamAfterAFailoverListsRecoveredAgentsThenTheirReregistration() throws Exception {
    List<OperatorEvents.Event> events =
        readAll(framed("dcos-net-operator-api-subscribe-1.9.0-recovered-agents.jsonl"));

    String agent = "65fccc5d-35a8-4cae-9eb2-05922043018e-S0";
    OperatorEvents.Subscribed subscribed = (OperatorEvents.Subscribed) events.get(0);
    assertThat(subscribed.agents()).isEmpty();
    assertThat(subscribed.recovered()).containsExactly(agent);
    assertThat(events.get(1)).isEqualTo(new OperatorEvents.Heartbeat());
    assertThat(events.get(2)).isEqualTo(new OperatorEvents.AgentAdded(agent));
  }

  @Test
  void anAgentRemovedNamesItsAgent() throws Exception {
    byte[] json =
        "{\"type\":\"AGENT_REMOVED\",\"agent_removed\":{\"agent_id\":{\"value\":\"S7\"}}}"
            .getBytes(StandardCharsets.UTF_8);
    assertThat(OperatorEvents.parse(json)).isEqualTo(new OperatorEvents.AgentRemoved("S7"));
  }

  @Test
  void brokenFramesAndEventsAreOneLineErrors() {
    assertThatThrownBy(() -> readAll("12x\n{}".getBytes(StandardCharsets.US_ASCII)))
        .isInstanceOf(InvalidResponseException.class)
        .hasMessageContaining("not a number");
    assertThatThrownBy(() -> readAll("40\n{\"type\":".getBytes(StandardCharsets.US_ASCII)))
        .hasMessage("the stream ended inside a record");
    assertThatThrownBy(
            () ->
                OperatorEvents.nextRecord(
                    new ByteArrayInputStream("99999\n".getBytes(StandardCharsets.US_ASCII)), 1000))
        .hasMessage("a RecordIO record of 99999 bytes, more than 1000");
    assertThatThrownBy(
            () ->
                OperatorEvents.parse(
                    "{\"type\":\"AGENT_REMOVED\"}".getBytes(StandardCharsets.UTF_8)))
        .hasMessage("an Operator API event without agent_removed.agent_id.value");
    assertThatThrownBy(() -> OperatorEvents.parse("{}".getBytes(StandardCharsets.UTF_8)))
        .hasMessage("an Operator API event without a type");
  }
}
