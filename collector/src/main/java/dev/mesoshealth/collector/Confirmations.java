package dev.mesoshealth.collector;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Confirms a failed agent poll before the agent's next slot (poll.confirm.after), so that the
 * processor's K failures in a row take seconds, not K intervals. After a poll fails, the agent is
 * polled again so that this poll's verdict comes the first delay after the failed one started, then
 * the next delay after that one, until a poll succeeds or the delays are spent: a refused poll is
 * repeated the delay after it started, a timed-out one (a hung agent) one deadline earlier, so that
 * the confirmation's own deadline ends at the delay instead of stretching it; a poll still
 * unanswered after the first delay is confirmed then. A delay longer than a blip (an agent
 * restarting its HTTP server, or stalled) keeps the blip from counting twice. At most {@code
 * maxPerSecond} confirmations start in any second; the others fall back to the agent's next slot.
 */
final class Confirmations {
  /** Runs a task after a delay. */
  interface Later {
    void run(Runnable task, long delayNanos);
  }

  /** What became of a confirmation that was due. */
  interface Counted {
    void started();

    void skipped();
  }

  private final List<Duration> after;
  private final long deadlineNanos;
  private final int maxPerSecond;
  private final Consumer<String> poll;
  private final Later later;
  private final LongSupplier nanoTime;
  private final Counted counted;

  /** Per agent being confirmed, how many confirmations were started; gone after a success. */
  private final Map<String, Integer> steps = new ConcurrentHashMap<>();

  private long second = Long.MIN_VALUE;
  private int startedThisSecond;

  /**
   * @param deadline an agent poll's deadline (http.agent.timeout): a poll that took that long timed
   *     out, and so will its confirmation if the agent still hangs
   */
  Confirmations(
      List<Duration> after,
      Duration deadline,
      int maxPerSecond,
      Consumer<String> poll,
      Later later,
      LongSupplier nanoTime,
      Counted counted) {
    this.after = after;
    this.deadlineNanos = deadline.toNanos();
    this.maxPerSecond = maxPerSecond;
    this.poll = poll;
    this.later = later;
    this.nanoTime = nanoTime;
    this.counted = counted;
  }

  /**
   * A poll of {@code agent} started at {@code startedNanos}; {@code failed} completes with whether
   * it failed.
   */
  void watch(String agent, long startedNanos, CompletableFuture<Boolean> failed) {
    if (after.isEmpty()) {
      return;
    }
    boolean first = !steps.containsKey(agent);
    failed.thenAccept(
        f -> {
          if (f) {
            boolean timedOut = nanoTime.getAsLong() - startedNanos >= deadlineNanos;
            next(agent, startedNanos, timedOut ? deadlineNanos : 0);
          } else {
            steps.remove(agent);
          }
        });
    if (first) {
      later.run(
          () -> {
            if (!failed.isDone()) {
              // unanswered this long: confirm now, not after its timeout
              next(agent, startedNanos, 0);
            }
          },
          Math.max(0, startedNanos + after.get(0).toNanos() - nanoTime.getAsLong()));
    }
  }

  /**
   * The next confirmation of a poll that started at {@code startedNanos}, started {@code early}
   * before the delay (a timed-out poll's: its deadline) so that its verdict comes at the delay.
   */
  private void next(String agent, long startedNanos, long early) {
    int step;
    synchronized (this) {
      step = steps.getOrDefault(agent, 0);
      if (step >= after.size()) {
        return;
      }
      if (!allowed()) {
        counted.skipped();
        return;
      }
      steps.put(agent, step + 1);
    }
    counted.started();
    long due = startedNanos + after.get(step).toNanos() - early - nanoTime.getAsLong();
    later.run(() -> poll.accept(agent), Math.max(0, due));
  }

  private boolean allowed() {
    long now = nanoTime.getAsLong() / 1_000_000_000L;
    if (now != second) {
      second = now;
      startedThisSecond = 0;
    }
    return startedThisSecond++ < maxPerSecond;
  }

  /** Forgets agents no longer polled (one that left while failing would stay forever). */
  void retain(java.util.Collection<String> agents) {
    steps.keySet().retainAll(agents);
  }

  /** Agents being confirmed now. */
  int confirming() {
    return steps.size();
  }
}
