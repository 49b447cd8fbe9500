package dev.mesoshealth.schemas.metrics;

import java.util.Map;

/**
 * A raw key resolved to its canonical name. Dynamic keys (per role, per framework, per reason)
 * carry labels and a key of the form {@code name{label="value"}}.
 */
public record ResolvedMetric(
    String key, String canonicalName, Map<String, String> labels, MetricType type, String unit) {

  public ResolvedMetric {
    labels = Map.copyOf(labels);
  }
}
