package dev.mesoshealth.collector.publish;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mesoshealth.events.AgentInventory;
import dev.mesoshealth.events.MetricSnapshot;
import dev.mesoshealth.events.TaskInventory;
import dev.mesoshealth.schemas.json.EventJson;
import dev.mesoshealth.schemas.topics.Topic;
import dev.mesoshealth.schemas.topics.Topics;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/** Prints each event as one JSON line: {"topic": ..., "key": ..., "value": {...} or null}. */
public final class PrintEventSink implements EventSink {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final PrintStream out;

  public PrintEventSink(PrintStream out) {
    this.out = out;
  }

  @Override
  public void snapshot(MetricSnapshot snapshot) {
    print(Topics.METRIC_SNAPSHOTS, snapshot.getNode().getId(), snapshot);
  }

  @Override
  public void agent(String agentId, AgentInventory agent) {
    print(Topics.AGENT_INVENTORY, agentId, agent);
  }

  @Override
  public void task(String taskId, TaskInventory task) {
    print(Topics.TASK_INVENTORY, taskId, task);
  }

  private synchronized void print(Topic<String, ?> topic, String key, SpecificRecord value) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("topic", topic.name());
    line.put("key", key);
    line.put("value", value == null ? null : EventJson.tree(value));
    try {
      out.println(JSON.writeValueAsString(line));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot print event: " + e.getMessage(), e);
    }
  }

  @Override
  public void flush() {
    out.flush();
  }

  @Override
  public void close() {
    out.flush();
  }
}
