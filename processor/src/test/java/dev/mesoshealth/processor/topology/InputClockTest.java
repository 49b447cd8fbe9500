package dev.mesoshealth.processor.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class InputClockTest {
  private static final long START = Instant.parse("2026-11-26T12:00:00Z").toEpochMilli();
  private final InputClock clock =
      new InputClock(Duration.ofSeconds(10), Duration.ofSeconds(30), START);

  @Test
  void beforeAnythingIsReadThereIsNoVerdictUntilTheGraceIsOver() {
    assertThat(clock.now(START + 29_000)).isNull();
    assertThat(clock.now(START + 31_000)).isEqualTo(Instant.ofEpochMilli(START + 31_000));
  }

  @Test
  void whileTheInputFlowsItsOwnTimeMovesOnByTheWallTimeSinceInputWasLastSeen() {
    Instant fiveMinutesOld = Instant.ofEpochMilli(START - 300_000);
    clock.read(fiveMinutesOld);
    clock.read(fiveMinutesOld.minusSeconds(5)); // an older record: time stays

    assertThat(clock.now(START + 4_000)).isEqualTo(fiveMinutesOld);
    assertThat(clock.now(START + 12_000))
        .as("nothing read since: the input's time, moved on")
        .isEqualTo(fiveMinutesOld.plusSeconds(8));
  }

  @Test
  void aBacklogReadLongAfterItsRoundStartedIsStillFlowingInput() {
    // the first check comes 20 s after the task started, a backlog read meanwhile (Kafka Streams'
    // cached time for those reads would say 20 s ago): its time, not the wall clock
    InputClock started = new InputClock(Duration.ofSeconds(1), Duration.ofSeconds(3), START);
    started.read(Instant.ofEpochMilli(START));
    assertThat(started.now(START + 20_000)).isEqualTo(Instant.ofEpochMilli(START));
  }

  @Test
  void askedLateTheTaskWasHeldUpAndJudgesNothingUntilItIsAskedOnTime() {
    clock.read(Instant.ofEpochMilli(START));
    assertThat(clock.now(START + 10_000)).isEqualTo(Instant.ofEpochMilli(START));

    // the next ask comes 25 s later instead of 10: nothing was read because nothing ran
    assertThat(clock.now(START + 35_000)).isNull();
    // on time again, and still nothing read: the input did stop
    assertThat(clock.now(START + 45_000)).isEqualTo(Instant.ofEpochMilli(START + 45_000));
  }

  @Test
  void onceTheInputStopsTheWallClockSpeaks() {
    clock.read(Instant.ofEpochMilli(START - 300_000));
    assertThat(clock.now(START + 10_000)).isEqualTo(Instant.ofEpochMilli(START - 300_000));
    assertThat(clock.now(START + 20_000)).isEqualTo(Instant.ofEpochMilli(START - 290_000));

    assertThat(clock.now(START + 30_000)).isEqualTo(Instant.ofEpochMilli(START + 30_000));
  }

  @Test
  void anInputClockAheadOfOursIsCappedAtTheWallClock() {
    clock.read(Instant.ofEpochMilli(START + 60_000));

    assertThat(clock.now(START + 2_000)).isEqualTo(Instant.ofEpochMilli(START + 2_000));
  }
}
