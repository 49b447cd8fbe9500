package dev.mesoshealth.collector.core;

import java.time.Duration;

/**
 * Where in each poll interval a node is polled: a fixed offset from a hash of its id, so polls
 * spread evenly over the interval and keep their place when agents come and go (no thundering herd,
 * no reshuffle on churn).
 */
public final class PollOffsets {
  private PollOffsets() {}

  public static Duration offset(String id, Duration interval) {
    long unsigned = Shard.mix(id.hashCode()) & 0xffffffffL;
    long nanos = (long) ((unsigned / 4294967296.0) * interval.toNanos());
    return Duration.ofNanos(nanos);
  }
}
