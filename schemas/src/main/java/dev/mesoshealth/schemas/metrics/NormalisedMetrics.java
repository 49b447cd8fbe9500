package dev.mesoshealth.schemas.metrics;

import java.util.Map;

/**
 * A raw snapshot split by the catalogue: values by canonical key (derived metrics included), and
 * the keys it has no name for, exactly as they came. Nothing is dropped.
 */
public record NormalisedMetrics(Map<String, Double> canonical, Map<String, Double> raw) {
  public NormalisedMetrics {
    canonical = Map.copyOf(canonical);
    raw = Map.copyOf(raw);
  }
}
