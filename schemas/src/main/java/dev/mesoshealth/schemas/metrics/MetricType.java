package dev.mesoshealth.schemas.metrics;

/** Gauge: a level. Counter: monotonic, reset when the node restarts or a new leader is elected. */
public enum MetricType {
  GAUGE,
  COUNTER
}
