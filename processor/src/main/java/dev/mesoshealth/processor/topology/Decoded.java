package dev.mesoshealth.processor.topology;

import dev.mesoshealth.events.AgentInventory;
import dev.mesoshealth.events.DeadLetter;
import dev.mesoshealth.events.MetricSnapshot;

/** An input record after decoding: something for the node evaluation, or a dead letter. */
sealed interface Decoded {
  record Snapshot(MetricSnapshot value) implements Decoded {}

  /** An inventory entry; null value when the agent left. */
  record Inventory(AgentInventory value) implements Decoded {}

  record Dead(DeadLetter value) implements Decoded {}
}
