package dev.mesoshealth.collector.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The Mesos v1 Operator API event stream (POST /api/v1 SUBSCRIBE on the leader), as far as the
 * collector needs it: which agents the master has, and when one is added or removed. Records are
 * RecordIO framed ("<length>\n<json>"); the JSON is v1 master.proto's Event, as in the real
 * captures under shared/fixtures. Pure.
 */
public final class OperatorEvents {
  private OperatorEvents() {}

  /** One event of the stream. */
  public sealed interface Event {}

  /** The first event: the agents registered and recovered, and the heartbeat interval. */
  public record Subscribed(List<String> agents, List<String> recovered, double heartbeatSeconds)
      implements Event {}

  /** An agent registered or re-registered with the leader. */
  public record AgentAdded(String agentId) implements Event {}

  /** The leader removed an agent: marked unreachable, shut down, or gone after a failover. */
  public record AgentRemoved(String agentId) implements Event {}

  public record Heartbeat() implements Event {}

  /** Any other event (tasks, frameworks, ...): the /master/slaves reconcile covers the rest. */
  public record Other(String type) implements Event {}

  public static Event parse(byte[] record) throws InvalidResponseException {
    JsonNode root = JsonBodies.object(record);
    String type = JsonBodies.text(root, "type");
    if (type == null) {
      throw new InvalidResponseException("an Operator API event without a type");
    }
    return switch (type) {
      case "SUBSCRIBED" -> {
        JsonNode state = root.path("subscribed").path("get_state").path("get_agents");
        List<String> agents = new ArrayList<>();
        for (JsonNode a : state.path("agents")) {
          agents.add(id(a.path("agent_info").path("id"), "agents[].agent_info.id"));
        }
        List<String> recovered = new ArrayList<>();
        for (JsonNode a : state.path("recovered_agents")) {
          recovered.add(id(a.path("id"), "recovered_agents[].id"));
        }
        double heartbeat = JsonBodies.number(root.path("subscribed"), "heartbeat_interval_seconds");
        yield new Subscribed(agents, recovered, heartbeat > 0 ? heartbeat : 15);
      }
      case "AGENT_ADDED" ->
          new AgentAdded(
              id(
                  root.path("agent_added").path("agent").path("agent_info").path("id"),
                  "agent_added.agent.agent_info.id"));
      case "AGENT_REMOVED" ->
          new AgentRemoved(
              id(root.path("agent_removed").path("agent_id"), "agent_removed.agent_id"));
      case "HEARTBEAT" -> new Heartbeat();
      default -> new Other(type);
    };
  }

  private static String id(JsonNode id, String where) throws InvalidResponseException {
    String value = JsonBodies.text(id, "value");
    if (value == null || value.isEmpty()) {
      throw new InvalidResponseException("an Operator API event without " + where + ".value");
    }
    return value;
  }

  /**
   * The next RecordIO record, or null at the end of the stream.
   *
   * @throws InvalidResponseException for a length prefix that is not a number, or over maxBytes
   */
  public static byte[] nextRecord(InputStream in, int maxBytes)
      throws IOException, InvalidResponseException {
    long length = 0;
    int digits = 0;
    while (true) {
      int b = in.read();
      if (b < 0) {
        if (digits == 0) {
          return null;
        }
        throw new InvalidResponseException("the stream ended inside a RecordIO length");
      }
      if (b == '\n' && digits > 0) {
        break;
      }
      if (b < '0' || b > '9' || ++digits > 10) {
        throw new InvalidResponseException(
            "a RecordIO length prefix that is not a number (byte " + b + ")");
      }
      length = length * 10 + (b - '0');
    }
    if (length > maxBytes) {
      throw new InvalidResponseException(
          "a RecordIO record of " + length + " bytes, more than " + maxBytes);
    }
    ByteArrayOutputStream record = new ByteArrayOutputStream((int) length);
    byte[] chunk = new byte[8192];
    long left = length;
    while (left > 0) {
      int n = in.read(chunk, 0, (int) Math.min(chunk.length, left));
      if (n < 0) {
        throw new InvalidResponseException("the stream ended inside a record");
      }
      record.write(chunk, 0, n);
      left -= n;
    }
    return record.toByteArray();
  }
}
