package dev.mesoshealth.processor.topology;

import dev.mesoshealth.events.HealthState;
import dev.mesoshealth.events.HealthTransition;
import dev.mesoshealth.processor.health.ClusterSignal;

/** What the evaluators emit, routed to topics by type. */
sealed interface Output {
  /** A new latest state; null value: forget the node (tombstone). */
  record State(HealthState value) implements Output {}

  record Transition(HealthTransition value) implements Output {}

  record Signal(ClusterSignal value) implements Output {}

  /** A closed minute of a node, as a BI feed row. */
  record MinuteRow(org.apache.kafka.connect.data.Struct row) implements Output {}

  /** An agent's new health state, for the endpoints on it. */
  record AgentState(dev.mesoshealth.events.HealthStatus state, String ip) implements Output {}
}
