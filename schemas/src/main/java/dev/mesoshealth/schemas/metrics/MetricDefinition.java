package dev.mesoshealth.schemas.metrics;

import java.util.List;

/**
 * One canonical metric: its dotted name, the raw Mesos keys it comes from (one per node role), its
 * type, unit and meaning.
 *
 * @param listed true for the metrics of shared/metrics.md, false for extras the rules use
 * @param derivedFrom for a derived metric, the canonical metrics it sums; empty otherwise
 */
public record MetricDefinition(
    String canonicalName,
    List<String> rawKeys,
    MetricType type,
    String unit,
    List<MetricSource> sources,
    String description,
    boolean listed,
    List<String> derivedFrom) {

  public MetricDefinition {
    rawKeys = List.copyOf(rawKeys);
    sources = List.copyOf(sources);
    derivedFrom = List.copyOf(derivedFrom);
  }

  public boolean isDerived() {
    return !derivedFrom.isEmpty();
  }

  public boolean isCounter() {
    return type == MetricType.COUNTER;
  }
}
