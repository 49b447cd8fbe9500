package dev.mesoshealth.processor.topology;

import dev.mesoshealth.events.AgentInventory;
import dev.mesoshealth.events.DeadLetter;
import dev.mesoshealth.events.MetricSnapshot;
import dev.mesoshealth.events.TaskInventory;

/** An input record after decoding: something for the node evaluation, or a dead letter. */
public sealed interface Decoded {
  /** A snapshot, and its bytes as read. */
  record Snapshot(MetricSnapshot value, byte[] encoded) implements Decoded {}

  /** An inventory entry; null value when the agent left. */
  record Inventory(AgentInventory value) implements Decoded {}

  /** A Marathon task; null value when it is gone. */
  record Task(TaskInventory value) implements Decoded {}

  record Dead(DeadLetter value) implements Decoded {}
}
