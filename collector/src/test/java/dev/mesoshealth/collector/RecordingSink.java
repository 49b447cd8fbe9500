package dev.mesoshealth.collector;

import dev.mesoshealth.collector.publish.EventSink;
import dev.mesoshealth.events.AgentInventory;
import dev.mesoshealth.events.MetricSnapshot;
import dev.mesoshealth.events.TaskInventory;
import java.util.AbstractMap.SimpleEntry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps every event the collector hands over, for assertions. */
final class RecordingSink implements EventSink {
  final List<MetricSnapshot> snapshots = new CopyOnWriteArrayList<>();
  final List<Map.Entry<String, AgentInventory>> agents = new CopyOnWriteArrayList<>();
  final List<Map.Entry<String, TaskInventory>> tasks = new CopyOnWriteArrayList<>();

  @Override
  public void snapshot(MetricSnapshot snapshot) {
    snapshots.add(snapshot);
  }

  @Override
  public void agent(String agentId, AgentInventory agent) {
    agents.add(new SimpleEntry<>(agentId, agent));
  }

  @Override
  public void task(String taskId, TaskInventory task) {
    tasks.add(new SimpleEntry<>(taskId, task));
  }

  List<MetricSnapshot> snapshotsOf(String nodeId) {
    return snapshots.stream().filter(s -> s.getNode().getId().equals(nodeId)).toList();
  }

  @Override
  public void flush() {}

  @Override
  public void close() {}
}
