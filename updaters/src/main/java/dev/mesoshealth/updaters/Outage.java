package dev.mesoshealth.updaters;

import dev.mesoshealth.service.Durations;
import java.time.Duration;
import org.slf4j.Logger;

/**
 * Tracks whether something the updater writes to (an HAProxy, etcd) is reachable: one log line when
 * an outage starts and one when it ends, however long it lasts, and a growing delay between
 * attempts while it lasts (1 s doubling to a maximum).
 */
public final class Outage {
  private static final Duration FIRST = Duration.ofSeconds(1);

  private final String what;
  private final Logger log;
  private final Duration max;
  private long since = -1;
  private Duration delay = FIRST;
  private long nextAttempt;

  public Outage(String what, Logger log, Duration max) {
    this.what = what;
    this.log = log;
    this.max = max;
  }

  /** Whether to try now (always, unless backing off). */
  public synchronized boolean due(long nowMillis) {
    return since < 0 || nowMillis >= nextAttempt;
  }

  public synchronized void failed(long nowMillis, Exception e) {
    if (since < 0) {
      since = nowMillis;
      log.warn(
          "{} is unreachable ({}); retrying with backoff up to {}",
          what,
          e.getMessage(),
          Durations.format(max));
    } else {
      delay = delay.multipliedBy(2).compareTo(max) > 0 ? max : delay.multipliedBy(2);
    }
    nextAttempt = nowMillis + delay.toMillis();
  }

  public synchronized void succeeded(long nowMillis) {
    if (since >= 0) {
      log.info("{} is back after {} s", what, (nowMillis - since) / 1000);
    }
    since = -1;
    delay = FIRST;
  }

  /** When the next attempt is due, while an outage lasts. */
  public synchronized long nextAttempt() {
    return nextAttempt;
  }

  public synchronized boolean ongoing() {
    return since >= 0;
  }
}
