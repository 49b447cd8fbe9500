package dev.mesoshealth.schemas.metrics;

/** Which nodes report a metric. */
public enum MetricSource {
  /** Meaningful on the leading master only. */
  MASTER_LEADER,
  /** Every master. */
  MASTER,
  /** Every agent. */
  AGENT,
  /** Every master and agent (host metrics). */
  HOST
}
