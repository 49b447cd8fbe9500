package dev.mesoshealth.processor.capacity;

import dev.mesoshealth.events.Trend;
import dev.mesoshealth.events.TrendVerdict;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Least-squares trend of a used ratio over time and when it reaches 90% and 100%. UNDECIDED when
 * there are fewer than {@code minSamples} points or the fit explains less than {@code minR2} of the
 * variance; STABLE when the ratio is not growing. Pure.
 */
public final class Trends {
  private Trends() {}

  /** One point: when, and the used ratio then. */
  public record Point(Instant at, double ratio) {}

  public static Trend fit(
      List<Point> points, Instant now, Duration horizon, int minSamples, double minR2) {
    Trend.Builder t = Trend.newBuilder().setHorizon(horizon.toString()).setSamples(points.size());
    if (points.size() < Math.max(2, minSamples)) {
      return t.setVerdict(TrendVerdict.UNDECIDED).build();
    }
    Instant origin = points.get(0).at();
    int n = points.size();
    double sx = 0;
    double sy = 0;
    for (Point p : points) {
      sx += hours(origin, p.at());
      sy += p.ratio();
    }
    double mx = sx / n;
    double my = sy / n;
    double sxx = 0;
    double sxy = 0;
    double syy = 0;
    for (Point p : points) {
      double dx = hours(origin, p.at()) - mx;
      double dy = p.ratio() - my;
      sxx += dx * dx;
      sxy += dx * dy;
      syy += dy * dy;
    }
    if (sxx == 0) {
      return t.setVerdict(TrendVerdict.UNDECIDED).build();
    }
    double slope = sxy / sxx;
    double intercept = my - slope * mx;
    double r2 = syy == 0 ? 1.0 : (sxy * sxy) / (sxx * syy);
    t.setSlopePerHour(slope).setR2(r2);
    if (r2 < minR2) {
      return t.setVerdict(TrendVerdict.UNDECIDED).build();
    }
    if (slope <= 0) {
      return t.setVerdict(TrendVerdict.STABLE).build();
    }
    return t.setVerdict(TrendVerdict.GROWING)
        .setReach90At(reach(0.9, slope, intercept, origin, now))
        .setReach100At(reach(1.0, slope, intercept, origin, now))
        .build();
  }

  private static Instant reach(
      double target, double slope, double intercept, Instant origin, Instant now) {
    double hours = (target - intercept) / slope;
    Instant at = origin.plusMillis(Math.round(hours * 3_600_000));
    return at.isBefore(now) ? now : at;
  }

  private static double hours(Instant origin, Instant t) {
    return Duration.between(origin, t).toMillis() / 3_600_000.0;
  }
}
