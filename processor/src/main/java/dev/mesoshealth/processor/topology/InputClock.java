package dev.mesoshealth.processor.topology;

import java.time.Duration;
import java.time.Instant;

/**
 * The time a task judges silence against. While its input flows, that is the input's own time (the
 * latest poll time read) moved on by the wall time since it was read; once the input stops, it is
 * the wall clock. So a processor catching up on a backlog (after a restart, a rebalance or a lag
 * spike), or one whose clock runs ahead of the collector's, does not take old records for silent
 * nodes; a collector that stops is still noticed by the wall clock one {@code flowing} later.
 */
final class InputClock {
  private final Duration flowing;
  private final Duration graceAfterStart;
  private final long startedAtMs;
  private long inputTimeMs;
  private long readAtMs;
  private boolean read;
  private long askedAtMs = -1;

  /**
   * @param flowing input read within this long counts as flowing (one poll interval)
   * @param graceAfterStart before anything is read, no verdict until this long after the start: the
   *     input may be there, not fetched yet
   */
  InputClock(Duration flowing, Duration graceAfterStart, long startedAtMs) {
    this.flowing = flowing;
    this.graceAfterStart = graceAfterStart;
    this.startedAtMs = startedAtMs;
  }

  /** A record with input time {@code inputTime} was read at wall time {@code wallMs}. */
  void read(Instant inputTime, long wallMs) {
    long t = inputTime.toEpochMilli();
    if (!read || t > inputTimeMs) {
      inputTimeMs = t;
    }
    readAtMs = wallMs;
    read = true;
  }

  /**
   * The time to judge silence against at wall time {@code wallMs}, asked every {@code flowing};
   * null while too early to say. Asked more than two {@code flowing} after the last time, the task
   * itself was held up (a long pause, a starved CPU): the silence meanwhile may be its own, so it
   * says nothing until the next time, when what arrived meanwhile has been read.
   */
  Instant now(long wallMs) {
    boolean late = askedAtMs >= 0 && wallMs - askedAtMs > 2 * flowing.toMillis();
    askedAtMs = wallMs;
    if (late) {
      return null;
    }
    if (!read) {
      return wallMs - startedAtMs < graceAfterStart.toMillis()
          ? null
          : Instant.ofEpochMilli(wallMs);
    }
    long sinceRead = wallMs - readAtMs;
    if (sinceRead > flowing.toMillis()) {
      return Instant.ofEpochMilli(wallMs);
    }
    return Instant.ofEpochMilli(Math.min(wallMs, inputTimeMs + sinceRead));
  }
}
