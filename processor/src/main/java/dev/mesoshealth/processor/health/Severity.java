package dev.mesoshealth.processor.health;

import dev.mesoshealth.events.HealthStatus;
import java.util.Collection;

/** Orders the health states that rules produce, from best to worst. */
public final class Severity {
  private Severity() {}

  /** HEALTHY 0, DEGRADED 1, UNHEALTHY 2, UNREACHABLE 3; states rules do not produce: -1. */
  public static int rank(HealthStatus s) {
    return switch (s) {
      case HEALTHY -> 0;
      case DEGRADED -> 1;
      case UNHEALTHY -> 2;
      case UNREACHABLE -> 3;
      default -> -1;
    };
  }

  public static boolean worse(HealthStatus a, HealthStatus b) {
    return rank(a) > rank(b);
  }

  /** The worst severity among the reasons; HEALTHY when there are none (or only notes). */
  public static HealthStatus verdict(Collection<Reason> reasons) {
    HealthStatus worst = HealthStatus.HEALTHY;
    for (Reason r : reasons) {
      if (rank(r.severity()) > rank(worst)) {
        worst = r.severity();
      }
    }
    return worst;
  }

  /** Whether a state is one the rules decide (not UNKNOWN, DRAINING, GONE). */
  public static boolean ruled(HealthStatus s) {
    return rank(s) >= 0;
  }
}
