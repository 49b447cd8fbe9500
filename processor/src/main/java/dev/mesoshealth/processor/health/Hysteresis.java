package dev.mesoshealth.processor.health;

import dev.mesoshealth.events.HealthStatus;
import java.time.Instant;

/**
 * Hysteresis over evaluations: a run of {@code enter} consecutive verdicts worse than the state
 * moves it to the mildest of them; a run of {@code leave} better ones moves it to the worst of
 * them. From UNKNOWN (no data), a healthy verdict applies at once. Pure.
 */
public final class Hysteresis {
  private Hysteresis() {}

  /** Where the state machine stands. */
  public record Step(HealthStatus state, Instant since, HealthStatus pending, int streak) {}

  public static Step step(Step now, HealthStatus verdict, Instant at, int enter, int leave) {
    HealthStatus state = now.state();
    if (!Severity.ruled(state)) {
      if (verdict == HealthStatus.HEALTHY) {
        return new Step(HealthStatus.HEALTHY, at, null, 0);
      }
      state = HealthStatus.UNKNOWN;
    }
    if (verdict == state) {
      return new Step(state, now.since(), null, 0);
    }
    boolean worse = Severity.rank(verdict) > Severity.rank(state);
    HealthStatus pending = now.pending();
    int streak;
    if (pending != null && (Severity.rank(pending) > Severity.rank(state)) == worse) {
      streak = now.streak() + 1;
      // getting worse: settle on the mildest state of the run; getting better: on the worst
      pending = worse == (Severity.rank(verdict) < Severity.rank(pending)) ? verdict : pending;
    } else {
      pending = verdict;
      streak = 1;
    }
    if (streak >= (worse ? enter : leave)) {
      return new Step(pending, at, null, 0);
    }
    return new Step(now.state(), now.since(), pending, streak);
  }
}
