package dev.mesoshealth.collector.publish;

import dev.mesoshealth.events.AgentInventory;
import dev.mesoshealth.events.MetricSnapshot;
import dev.mesoshealth.events.TaskInventory;

/** Where the collector's events go: Kafka, or standard output for {@code --once --print}. */
public interface EventSink extends AutoCloseable {
  void snapshot(MetricSnapshot snapshot);

  /** An agent from the inventory, or a tombstone (null) when it left. */
  void agent(String agentId, AgentInventory agent);

  /** A Marathon task, or a tombstone (null) when it is gone. */
  void task(String taskId, TaskInventory task);

  /** Waits until everything handed over so far is delivered (or the sink gives up). */
  void flush();

  @Override
  void close();
}
