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
  void whileTheInputFlowsItsOwnTimeMovesOnByTheWallTimeSinceTheRead() {
    Instant fiveMinutesOld = Instant.ofEpochMilli(START - 300_000);
    clock.read(fiveMinutesOld, START);
    clock.read(fiveMinutesOld.minusSeconds(5), START + 1_000); // an older record: time stays

    assertThat(clock.now(START + 4_000)).isEqualTo(fiveMinutesOld.plusSeconds(3));
  }

  @Test
  void askedLateTheTaskWasHeldUpAndJudgesNothingUntilItIsAskedOnTime() {
    clock.read(Instant.ofEpochMilli(START), START);
    assertThat(clock.now(START + 10_000)).isEqualTo(Instant.ofEpochMilli(START + 10_000));

    // the next ask comes 25 s later instead of 10: nothing was read because nothing ran
    assertThat(clock.now(START + 35_000)).isNull();
    // on time again, and still nothing read: the input did stop
    assertThat(clock.now(START + 45_000)).isEqualTo(Instant.ofEpochMilli(START + 45_000));
  }

  @Test
  void onceTheInputStopsTheWallClockSpeaks() {
    clock.read(Instant.ofEpochMilli(START - 300_000), START);

    assertThat(clock.now(START + 10_001)).isEqualTo(Instant.ofEpochMilli(START + 10_001));
  }

  @Test
  void anInputClockAheadOfOursIsCappedAtTheWallClock() {
    clock.read(Instant.ofEpochMilli(START + 60_000), START);

    assertThat(clock.now(START + 2_000)).isEqualTo(Instant.ofEpochMilli(START + 2_000));
  }
}
