package dev.mesoshealth.collector;

import dev.mesoshealth.collector.core.PollOffsets;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * Polls a changing set of targets once per interval each, at a fixed offset in the interval derived
 * from the target's id plus a little jitter, so polls spread evenly and no herd forms. At most
 * {@code maxConcurrency} polls run at once; a poll that cannot start on time starts late (schedule
 * lag, measured), and a target more than an interval behind skips the missed rounds. One dispatcher
 * thread.
 */
final class PollScheduler implements AutoCloseable {
  private final long intervalNanos;
  private final long jitterNanos;
  private final Semaphore permits;
  private final Function<String, CompletableFuture<?>> poll;
  private final CollectorMetrics metrics;
  private final Map<String, Boolean> targets = new ConcurrentHashMap<>();
  private final PriorityQueue<Slot> queue = new PriorityQueue<>();
  private final Thread dispatcher;
  private final long origin = System.nanoTime();
  private volatile boolean running = true;

  /**
   * @param early a first poll ahead of the target's own offset; its own slots follow
   */
  private record Slot(long dueNanos, String id, boolean early) implements Comparable<Slot> {
    @Override
    public int compareTo(Slot o) {
      return Long.compare(dueNanos, o.dueNanos);
    }
  }

  PollScheduler(
      Duration interval,
      int maxConcurrency,
      Function<String, CompletableFuture<?>> poll,
      CollectorMetrics metrics) {
    this.intervalNanos = interval.toNanos();
    this.jitterNanos = Math.min(interval.toNanos() / 100, Duration.ofMillis(100).toNanos());
    this.permits = new Semaphore(maxConcurrency);
    this.poll = poll;
    this.metrics = metrics;
    this.dispatcher = new Thread(this::dispatch, "collector-agent-scheduler");
    dispatcher.setDaemon(true);
  }

  void start() {
    dispatcher.start();
  }

  /** Replaces the set of targets; new ones start at their next slot, removed ones stop. */
  void setTargets(Collection<String> ids) {
    setTargets(ids, false);
  }

  /**
   * Replaces the set of targets; removed ones stop. New ones start at their next slot, or, with
   * {@code newOnesNow} (targets taken over from another collector, last polled up to an interval
   * ago), spread over the next half second (a quarter interval at most), then at their own slots.
   */
  void setTargets(Collection<String> ids, boolean newOnesNow) {
    Set<String> wanted = Set.copyOf(ids);
    targets.keySet().retainAll(wanted);
    long now = System.nanoTime();
    long spread = Math.min(intervalNanos / 4, Duration.ofMillis(500).toNanos());
    synchronized (queue) {
      for (String id : wanted) {
        if (targets.putIfAbsent(id, Boolean.TRUE) == null) {
          queue.add(
              newOnesNow
                  ? new Slot(now + ThreadLocalRandom.current().nextLong(spread + 1), id, true)
                  : new Slot(nextSlot(id, now), id, false));
        }
      }
      queue.notifyAll();
    }
    metrics.agentsTracked.set(targets.size());
  }

  int size() {
    return targets.size();
  }

  /** The first time at or after {@code now} at this target's offset in the interval. */
  private long nextSlot(String id, long now) {
    long offset = PollOffsets.offset(id, Duration.ofNanos(intervalNanos)).toNanos();
    long sinceOrigin = now - origin;
    long round = Math.floorDiv(sinceOrigin - offset, intervalNanos) + 1;
    return origin + offset + round * intervalNanos;
  }

  private void dispatch() {
    while (running) {
      Slot slot;
      synchronized (queue) {
        slot = queue.peek();
        if (slot == null) {
          waitOn(queue, 1_000_000_000L);
          continue;
        }
        long wait = slot.dueNanos - System.nanoTime();
        if (wait > 0) {
          waitOn(queue, wait);
          continue;
        }
        queue.poll();
      }
      if (!targets.containsKey(slot.id)) {
        continue;
      }
      try {
        permits.acquire();
      } catch (InterruptedException e) {
        return;
      }
      long now = System.nanoTime();
      long lag = now - slot.dueNanos;
      metrics.scheduleLagSeconds.observe(lag / 1e9);
      // after an early poll, the target's own slot, at least half an interval on
      long next =
          slot.early ? nextSlot(slot.id, now + intervalNanos / 2) : slot.dueNanos + intervalNanos;
      if (next <= now) {
        long missed = (now - slot.dueNanos) / intervalNanos;
        metrics.skippedRounds.inc(missed);
        next = slot.dueNanos + (missed + 1) * intervalNanos;
      }
      long jitter = jitterNanos == 0 ? 0 : ThreadLocalRandom.current().nextLong(jitterNanos);
      synchronized (queue) {
        queue.add(new Slot(next + jitter, slot.id, false));
      }
      CompletableFuture<?> f;
      try {
        f = poll.apply(slot.id);
      } catch (RuntimeException e) {
        permits.release();
        continue;
      }
      f.whenComplete((r, e) -> permits.release());
    }
  }

  private static void waitOn(Object monitor, long nanos) {
    try {
      long millis = Math.max(1, nanos / 1_000_000);
      monitor.wait(Math.min(millis, 1_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    running = false;
    synchronized (queue) {
      queue.notifyAll();
    }
    dispatcher.interrupt();
    try {
      dispatcher.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LockSupport.unpark(dispatcher);
  }
}
