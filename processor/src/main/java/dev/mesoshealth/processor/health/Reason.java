package dev.mesoshealth.processor.health;

import dev.mesoshealth.events.HealthReason;
import dev.mesoshealth.events.HealthStatus;

/**
 * Why a node is in its state: the rule, the state it pushes towards (HEALTHY for a note), the
 * metric read, what was seen, the threshold, and a sentence.
 */
public record Reason(
    String rule,
    HealthStatus severity,
    String metric,
    Double observed,
    Double threshold,
    String message) {

  public static Reason of(String rule, HealthStatus severity, String message) {
    return new Reason(rule, severity, null, null, null, message);
  }

  public boolean isNote() {
    return severity == HealthStatus.HEALTHY;
  }

  public HealthReason toEvent() {
    return new HealthReason(rule, severity, metric, observed, threshold, message);
  }

  /** Same rule and severity: observed values moving within a state are not a change. */
  boolean sameAs(Reason other) {
    return rule.equals(other.rule) && severity == other.severity;
  }
}
