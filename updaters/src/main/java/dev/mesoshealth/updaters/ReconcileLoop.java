package dev.mesoshealth.updaters;

import dev.mesoshealth.schemas.topics.Topic;
import dev.mesoshealth.schemas.topics.TopicFollower;
import dev.mesoshealth.schemas.topics.TopicFollower.Start;
import dev.mesoshealth.service.KafkaClient;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;

/**
 * The one thread every updater keeps its targets in step with: on each change of the topics (a
 * burst settles into one pass), every reconcile interval in full, and when a target that was away
 * is due to be tried again (with backoff, logged once per outage). Nothing is done before the
 * topics are caught up: a plan from half the picture would take out servers or records that are
 * fine.
 */
public final class ReconcileLoop implements AutoCloseable {
  private static final Duration SETTLE = Duration.ofMillis(200);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
  private static final Duration NOT_CAUGHT_UP_RECHECK = Duration.ofMillis(100);

  /** Something an updater keeps in step: an HAProxy, etcd. */
  public interface Target {
    /** How logs and outages name it (never an address that grants control of it). */
    String name();

    /**
     * Brings the target in step with the topics.
     *
     * @param full compare against what the target holds, not what was last written to it (at the
     *     start, every interval, after a failure)
     */
    void reconcile(boolean full) throws Exception;

    /** Told of a failed {@link #reconcile}, e.g. to count it; the loop logs and backs off. */
    default void failed(Exception e) {}
  }

  private final Map<Target, Outage> targets = new LinkedHashMap<>();
  private final Set<Target> inStep = new HashSet<>();
  private final Logger log;
  private final Duration interval;
  private BooleanSupplier caughtUp;
  private final Clock clock;
  private final BlockingQueue<Object> changes = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile boolean running = true;

  public ReconcileLoop(String name, Duration interval, Clock clock, Logger log) {
    this.log = log;
    this.interval = interval;
    this.clock = clock;
    this.thread = new Thread(this::run, name);
    this.thread.setDaemon(true);
  }

  /**
   * @param caughtUp whether the topics the targets are kept in step with are read up to their end
   */
  public synchronized void start(List<? extends Target> targets, BooleanSupplier caughtUp) {
    for (Target t : targets) {
      this.targets.put(t, new Outage(t.name(), log, MAX_BACKOFF));
    }
    this.caughtUp = caughtUp;
    thread.start();
  }

  /**
   * A follower of {@code topics}, from their beginning, that hands each batch to {@code accept} and
   * then wakes this loop. Not started.
   */
  public TopicFollower feed(
      String name,
      KafkaClient kafka,
      List<Topic<String, ?>> topics,
      Consumer<List<TopicFollower.Event>> accept) {
    Map<Topic<String, ?>, Start> follow = new LinkedHashMap<>();
    topics.forEach(t -> follow.put(t, Start.beginning()));
    return feed(name, kafka, follow, accept);
  }

  /** As {@link #feed(String, KafkaClient, List, Consumer)}, each topic from its own start. */
  public TopicFollower feed(
      String name,
      KafkaClient kafka,
      Map<Topic<String, ?>, Start> follow,
      Consumer<List<TopicFollower.Event>> accept) {
    return new TopicFollower(
        name,
        kafka.properties(),
        follow,
        batch -> {
          accept.accept(batch);
          changed();
        },
        clock);
  }

  /** Something changed: reconcile soon. */
  public void changed() {
    changes.offer(Boolean.TRUE);
  }

  /** Whether every target was reachable and brought in step at its last attempt. */
  public synchronized boolean allInStep() {
    return !targets.isEmpty() && inStep.size() == targets.size();
  }

  private void run() {
    long nextFull = 0;
    while (running) {
      try {
        awaitWork(nextFull);
      } catch (InterruptedException e) {
        return;
      }
      if (!running) {
        return;
      }
      if (!caughtUp.getAsBoolean()) {
        try {
          // a batch of the topics wakes the loop; reaching their end may come without one
          changes.poll(NOT_CAUGHT_UP_RECHECK.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          return;
        }
        continue;
      }
      long now = clock.millis();
      boolean full = now >= nextFull;
      if (full) {
        nextFull = now + interval.toMillis();
      }
      for (Map.Entry<Target, Outage> e : targets.entrySet()) {
        if (!reconcile(e.getKey(), e.getValue(), full)) {
          return;
        }
      }
    }
  }

  /** Waits for a change, the next full reconcile, or the next retry of a target that is away. */
  private void awaitWork(long nextFull) throws InterruptedException {
    long wakeAt = nextFull;
    for (Outage o : targets.values()) {
      if (o.ongoing()) {
        wakeAt = Math.min(wakeAt, o.nextAttempt());
      }
    }
    if (changes.poll(Math.max(0, wakeAt - clock.millis()), TimeUnit.MILLISECONDS) != null) {
      changes.poll(SETTLE.toMillis(), TimeUnit.MILLISECONDS);
      changes.clear();
    }
  }

  /** One target's turn; false if the thread was interrupted. */
  private boolean reconcile(Target target, Outage outage, boolean full) {
    if (!outage.due(clock.millis())) {
      return true;
    }
    boolean wasInStep;
    synchronized (this) {
      wasInStep = inStep.contains(target);
    }
    try {
      target.reconcile(full || !wasInStep);
      outage.succeeded(clock.millis());
      synchronized (this) {
        inStep.add(target);
      }
    } catch (InterruptedException e) {
      return false;
    } catch (Exception e) {
      Exception cause =
          e instanceof ExecutionException && e.getCause() instanceof Exception c ? c : e;
      synchronized (this) {
        inStep.remove(target);
      }
      target.failed(cause);
      outage.failed(clock.millis(), cause);
    }
    return true;
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
