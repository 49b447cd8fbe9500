package dev.mesoshealth.processor.topology;

import java.time.Duration;
import java.time.Instant;

/**
 * The time a task judges silence against. While its input flows, that is the input's own time (the
 * latest poll time read) moved on by the wall time since the last check that found input read; once
 * the input stops, it is the wall clock. So a processor catching up on a backlog (after a restart,
 * a rebalance or a lag spike), or one whose clock runs ahead of the collector's, does not take old
 * records for silent nodes; a collector that stops is still noticed by the wall clock one to two
 * {@code flowing} later. Only the checks' wall times are compared with each other: a record's
 * processing time as Kafka Streams caches it can lag the wall clock by a whole processing round,
 * which once made a processor starting on a backlog call a node silent at once.
 */
final class InputClock {
  private final Duration flowing;
  private final Duration graceAfterStart;
  private final long startedAtMs;
  private long inputTimeMs;
  private boolean read;
  private boolean readSinceAsked;
  private long flowingAtMs;
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

  /** A record with input time {@code inputTime} was read. */
  void read(Instant inputTime) {
    long t = inputTime.toEpochMilli();
    if (!read || t > inputTimeMs) {
      inputTimeMs = t;
    }
    read = true;
    readSinceAsked = true;
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
    if (readSinceAsked) {
      flowingAtMs = wallMs;
      readSinceAsked = false;
    }
    if (late) {
      return null;
    }
    if (!read) {
      return wallMs - startedAtMs < graceAfterStart.toMillis()
          ? null
          : Instant.ofEpochMilli(wallMs);
    }
    long sinceFlowing = wallMs - flowingAtMs;
    if (sinceFlowing > flowing.toMillis()) {
      return Instant.ofEpochMilli(wallMs);
    }
    return Instant.ofEpochMilli(Math.min(wallMs, inputTimeMs + sinceFlowing));
  }
}
