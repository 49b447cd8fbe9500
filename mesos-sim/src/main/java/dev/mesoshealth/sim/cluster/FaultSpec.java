package dev.mesoshealth.sim.cluster;

import java.time.Duration;
import java.util.Map;

/**
 * A request to inject a fault.
 *
 * @param target a node id, agent hostname, app id, or one of {@code random-agent}, {@code
 *     all-agents}, {@code leader}, {@code random-follower}, {@code random-master}, {@code
 *     marathon}, {@code random-app}; ignored by cluster faults
 * @param duration how long it lasts; null or zero for instant faults and faults that last until
 *     cleared
 */
public record FaultSpec(
    FaultKind kind, String target, Duration duration, Map<String, String> params) {
  public FaultSpec {
    params = params == null ? Map.of() : Map.copyOf(params);
  }

  public static FaultSpec of(FaultKind kind, String target, Duration duration) {
    return new FaultSpec(kind, target, duration, Map.of());
  }

  long longParam(String name, long fallback) {
    String v = params.get(name);
    return v == null ? fallback : Long.parseLong(v);
  }

  boolean boolParam(String name, boolean fallback) {
    String v = params.get(name);
    if (v == null) {
      return fallback;
    }
    if (!v.equals("true") && !v.equals("false")) {
      throw new IllegalArgumentException(
          kind + " param " + name + " must be true or false, not '" + v + "'");
    }
    return Boolean.parseBoolean(v);
  }

  double doubleParam(String name, double fallback) {
    String v = params.get(name);
    return v == null ? fallback : Double.parseDouble(v);
  }
}
