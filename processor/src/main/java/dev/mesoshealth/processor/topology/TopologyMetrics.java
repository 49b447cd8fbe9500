package dev.mesoshealth.processor.topology;

import dev.mesoshealth.events.HealthStatus;

/** What the topology counts; the service backs it with Prometheus, tests with nothing. */
public interface TopologyMetrics {
  TopologyMetrics NONE = new TopologyMetrics() {};

  default void deadLetter(String topic) {}

  default void evaluation(String role) {}

  default void transition(String role, HealthStatus to) {}
}
