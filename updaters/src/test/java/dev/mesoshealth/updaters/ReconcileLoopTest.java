package dev.mesoshealth.updaters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** When the shared loop reconciles its targets, and in full or not. */
class ReconcileLoopTest {
  /** Records each reconcile's "full" flag; fails while told to. */
  private static final class Recorder implements ReconcileLoop.Target {
    final List<Boolean> calls = new CopyOnWriteArrayList<>();
    final List<Exception> failures = new CopyOnWriteArrayList<>();
    final AtomicBoolean failing = new AtomicBoolean();

    @Override
    public String name() {
      return "recorder";
    }

    @Override
    public void reconcile(boolean full) throws Exception {
      calls.add(full);
      if (failing.get()) {
        throw new java.io.IOException("away");
      }
    }

    @Override
    public void failed(Exception e) {
      failures.add(e);
    }
  }

  private final ReconcileLoop loop =
      new ReconcileLoop(
          "test-loop",
          Duration.ofHours(1),
          Clock.systemUTC(),
          LoggerFactory.getLogger(ReconcileLoopTest.class));

  @Test
  void nothingHappensUntilTheTopicsAreCaughtUpThenInFullThenEachChange() {
    Recorder target = new Recorder();
    AtomicBoolean caughtUp = new AtomicBoolean();
    try (loop) {
      loop.start(List.of(target), caughtUp::get);
      loop.changed();
      assertThat(target.calls).isEmpty();
      assertThat(loop.allInStep()).isFalse();

      caughtUp.set(true);
      loop.changed();
      await().until(() -> target.calls.size() == 1);
      assertThat(target.calls).containsExactly(true);
      await().until(loop::allInStep);

      loop.changed();
      await().until(() -> target.calls.size() == 2);
      assertThat(target.calls.get(1)).as("a change within the interval: not in full").isFalse();
    }
  }

  @Test
  void aFailedTargetIsToldRetriedWithBackoffAndThenReconciledInFull() {
    Recorder target = new Recorder();
    try (loop) {
      loop.start(List.of(target), () -> true);
      await().until(loop::allInStep);

      target.failing.set(true);
      loop.changed();
      await().until(() -> !target.failures.isEmpty());
      assertThat(loop.allInStep()).isFalse();

      target.failing.set(false);
      int before = target.calls.size();
      // no change is signalled: the retry after the backoff comes by itself
      await().atMost(Duration.ofSeconds(10)).until(loop::allInStep);
      assertThat(target.calls.subList(before, target.calls.size())).containsOnly(true);
    }
  }
}
