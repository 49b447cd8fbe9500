package dev.mesoshealth.collector;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** When a failed or unanswered agent poll is confirmed, and when it is not. */
class ConfirmationsTest {
  private static final long S = 1_000_000_000L;

  private long now = 100 * S;
  private final List<long[]> dueAt = new ArrayList<>(); // {due nanos, task index}
  private final List<Runnable> tasks = new ArrayList<>();
  private final List<String> polled = new ArrayList<>();
  private int started;
  private int skipped;

  private Confirmations confirmations(int maxPerSecond, Duration... after) {
    return new Confirmations(
        List.of(after),
        Duration.ofSeconds(1),
        maxPerSecond,
        polled::add,
        (task, delay) -> {
          dueAt.add(new long[] {now + delay, tasks.size()});
          tasks.add(task);
        },
        () -> now,
        new Confirmations.Counted() {
          @Override
          public void started() {
            started++;
          }

          @Override
          public void skipped() {
            skipped++;
          }
        });
  }

  /** Moves the clock to {@code to}, running every task due by then, in order. */
  private void advanceTo(long to) {
    while (true) {
      long[] next = null;
      for (long[] d : dueAt) {
        if (d[0] <= to && (next == null || d[0] < next[0])) {
          next = d;
        }
      }
      if (next == null) {
        break;
      }
      dueAt.remove(next);
      now = Math.max(now, next[0]);
      tasks.get((int) next[1]).run();
    }
    now = to;
  }

  @Test
  void aRefusedPollIsConfirmedTheDelayAfterItStartedAndOnlyOnceWhileItKeepsFailing() {
    Confirmations c = confirmations(100, Duration.ofMillis(2500));
    long t0 = now;
    CompletableFuture<Boolean> first = new CompletableFuture<>();
    c.watch("a", t0, first);
    now += 10_000_000; // refused within 10 ms
    first.complete(true);

    advanceTo(t0 + 2 * S);
    assertThat(polled).as("not before the delay").isEmpty();
    advanceTo(t0 + 2500 * 1_000_000L);
    assertThat(polled).containsExactly("a");

    CompletableFuture<Boolean> confirmation = new CompletableFuture<>();
    c.watch("a", now, confirmation);
    confirmation.complete(true);
    CompletableFuture<Boolean> nextSlot = new CompletableFuture<>();
    c.watch("a", t0 + 10 * S, nextSlot);
    nextSlot.complete(true);
    advanceTo(t0 + 30 * S);
    assertThat(polled).as("the delays are spent: the slots carry on").containsExactly("a");
    assertThat(started).isEqualTo(1);
  }

  @Test
  void anUnansweredPollIsConfirmedAtTheDelayNotAfterItsTimeout() {
    Confirmations c = confirmations(100, Duration.ofMillis(2500));
    long t0 = now;
    CompletableFuture<Boolean> hung = new CompletableFuture<>();
    c.watch("h", t0, hung);

    advanceTo(t0 + 2500 * 1_000_000L);
    assertThat(polled).as("still unanswered at the delay").containsExactly("h");

    advanceTo(t0 + 5 * S);
    hung.complete(true); // its timeout
    advanceTo(t0 + 20 * S);
    assertThat(polled).as("the timeout adds nothing").containsExactly("h");
  }

  @Test
  void aTimedOutPollIsConfirmedOneDeadlineEarlierSoItsVerdictComesAtTheDelay() {
    Confirmations c = confirmations(100, Duration.ofMillis(2500));
    long t0 = now;
    CompletableFuture<Boolean> hung = new CompletableFuture<>();
    c.watch("h", t0, hung);
    advanceTo(t0 + S);
    hung.complete(true); // its 1 s deadline

    advanceTo(t0 + 1400 * 1_000_000L);
    assertThat(polled).as("a refusal waits the whole delay; this one not that long").isEmpty();
    advanceTo(t0 + 1500 * 1_000_000L);
    assertThat(polled)
        .as("started 1.5 s after the first, its own 1 s deadline ends at 2.5 s")
        .containsExactly("h");
    assertThat(started).isEqualTo(1);
  }

  @Test
  void aBlipEndedBeforeTheConfirmationIsForgottenAndTheNextFailureIsConfirmedAgain() {
    Confirmations c = confirmations(100, Duration.ofMillis(2500));
    long t0 = now;
    CompletableFuture<Boolean> failed = new CompletableFuture<>();
    c.watch("b", t0, failed);
    failed.complete(true);
    advanceTo(t0 + 3 * S);
    CompletableFuture<Boolean> answered = new CompletableFuture<>();
    c.watch("b", t0 + 2500 * 1_000_000L, answered);
    answered.complete(false);
    assertThat(c.confirming()).isZero();

    CompletableFuture<Boolean> later = new CompletableFuture<>();
    c.watch("b", t0 + 60 * S, later);
    later.complete(true);
    advanceTo(t0 + 63 * S);
    assertThat(polled).containsExactly("b", "b");
  }

  @Test
  void aHealthyAgentCostsNothingAndTwoDelaysMeanTwoConfirmations() {
    Confirmations c = confirmations(100, Duration.ofSeconds(1), Duration.ofSeconds(2));
    CompletableFuture<Boolean> fine = new CompletableFuture<>();
    c.watch("ok", now, fine);
    fine.complete(false);
    advanceTo(now + 5 * S);
    assertThat(polled).isEmpty();

    long t0 = now;
    CompletableFuture<Boolean> down = new CompletableFuture<>();
    c.watch("d", t0, down);
    down.complete(true);
    advanceTo(t0 + S);
    CompletableFuture<Boolean> second = new CompletableFuture<>();
    c.watch("d", now, second);
    second.complete(true);
    advanceTo(t0 + 3 * S);
    assertThat(polled).as("at +1 s, then 2 s after that").containsExactly("d", "d");
    CompletableFuture<Boolean> third = new CompletableFuture<>();
    c.watch("d", now, third);
    third.complete(true);
    advanceTo(t0 + 10 * S);
    assertThat(polled).hasSize(2);
  }

  @Test
  void beyondTheRateTheRestWaitForTheirSlotAndNoDelaysMeansNoConfirmation() {
    Confirmations c = confirmations(2, Duration.ofMillis(2500));
    for (String agent : List.of("x", "y", "z")) {
      CompletableFuture<Boolean> f = new CompletableFuture<>();
      c.watch(agent, now, f);
      f.complete(true);
    }
    advanceTo(now + 3 * S);
    assertThat(polled).containsExactly("x", "y");
    assertThat(skipped).isEqualTo(1);

    Confirmations off = confirmations(100);
    CompletableFuture<Boolean> f = new CompletableFuture<>();
    off.watch("q", now, f);
    f.complete(true);
    advanceTo(now + 30 * S);
    assertThat(polled).hasSize(2);
  }

  @Test
  void anAgentThatLeftIsForgotten() {
    Confirmations c = confirmations(100, Duration.ofMillis(2500));
    for (String agent : List.of("stays", "left")) {
      CompletableFuture<Boolean> f = new CompletableFuture<>();
      c.watch(agent, now, f);
      f.complete(true);
    }
    assertThat(c.confirming()).isEqualTo(2);
    c.retain(List.of("stays"));
    assertThat(c.confirming()).isEqualTo(1);
  }
}
