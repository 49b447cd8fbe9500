package dev.mesoshealth.processor.capacity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.mesoshealth.events.Trend;
import dev.mesoshealth.events.TrendVerdict;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TrendsTest {
  private static final Instant T0 = Instant.parse("2026-11-25T00:00:00Z");

  private static List<Trends.Point> series(
      int minutes, java.util.function.IntToDoubleFunction ratio) {
    List<Trends.Point> points = new ArrayList<>();
    for (int m = 0; m < minutes; m++) {
      points.add(new Trends.Point(T0.plusSeconds(60L * m), ratio.applyAsDouble(m)));
    }
    return points;
  }

  @Test
  void aLinearRampForecastsExhaustionWithinTwoPercent() {
    // 40% used, growing 0.5% a minute: 90% after 100 minutes, 100% after 120
    List<Trends.Point> ramp = series(60, m -> 0.40 + 0.005 * m);
    Instant now = T0.plusSeconds(59 * 60);

    Trend t = Trends.fit(ramp, now, Duration.ofHours(1), 10, 0.5);

    assertThat(t.getVerdict()).isEqualTo(TrendVerdict.GROWING);
    assertThat(t.getSlopePerHour()).isCloseTo(0.3, within(1e-9));
    assertThat(t.getR2()).isCloseTo(1.0, within(1e-9));
    Duration to100 = Duration.between(T0, t.getReach100At());
    Duration to90 = Duration.between(T0, t.getReach90At());
    assertThat((double) to100.toSeconds()).isCloseTo(120 * 60, within(120 * 60 * 0.02));
    assertThat((double) to90.toSeconds()).isCloseTo(100 * 60, within(100 * 60 * 0.02));
  }

  @Test
  void aNoisyRampStillForecastsWithinTwoPercent() {
    SplittableRandom rng = new SplittableRandom(3);
    List<Trends.Point> ramp = series(60, m -> 0.40 + 0.005 * m + (rng.nextDouble() - 0.5) * 0.01);

    Trend t = Trends.fit(ramp, T0.plusSeconds(59 * 60), Duration.ofHours(1), 10, 0.5);

    assertThat(t.getVerdict()).isEqualTo(TrendVerdict.GROWING);
    assertThat((double) Duration.between(T0, t.getReach100At()).toSeconds())
        .isCloseTo(120 * 60, within(120 * 60 * 0.02));
  }

  @Test
  void noiseAroundAFlatLineIsUndecided() {
    SplittableRandom rng = new SplittableRandom(7);
    Trend t =
        Trends.fit(
            series(60, m -> 0.5 + (rng.nextDouble() - 0.5) * 0.2),
            T0.plusSeconds(3600),
            Duration.ofHours(1),
            10,
            0.5);

    assertThat(t.getVerdict()).isEqualTo(TrendVerdict.UNDECIDED);
    assertThat(t.getR2()).isLessThan(0.5);
    assertThat(t.getReach100At()).isNull();
  }

  @Test
  void aFlatOrFallingLineIsStable() {
    assertThat(
            Trends.fit(series(30, m -> 0.6), T0.plusSeconds(1800), Duration.ofHours(1), 10, 0.5)
                .getVerdict())
        .isEqualTo(TrendVerdict.STABLE);
    assertThat(
            Trends.fit(
                    series(30, m -> 0.9 - 0.01 * m),
                    T0.plusSeconds(1800),
                    Duration.ofHours(1),
                    10,
                    0.5)
                .getVerdict())
        .isEqualTo(TrendVerdict.STABLE);
  }

  @Test
  void fewerThanTenPointsIsUndecided() {
    Trend t =
        Trends.fit(series(9, m -> 0.1 * m), T0.plusSeconds(600), Duration.ofHours(1), 10, 0.5);

    assertThat(t.getVerdict()).isEqualTo(TrendVerdict.UNDECIDED);
    assertThat(t.getSamples()).isEqualTo(9);
  }
}
