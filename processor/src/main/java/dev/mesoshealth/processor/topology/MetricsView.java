package dev.mesoshealth.processor.topology;

import java.time.Instant;
import java.util.Map;

/** A node's latest metrics by canonical name, for metric queries. */
public record MetricsView(
    String nodeId, String cluster, String role, Instant at, Map<String, Double> metrics) {
  public MetricsView {
    metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
  }
}
