package dev.mesoshealth.processor.capacity;

import dev.mesoshealth.events.CapacityTrend;
import dev.mesoshealth.events.GroupKind;
import dev.mesoshealth.events.ResourceCapacity;
import dev.mesoshealth.events.Resources;
import dev.mesoshealth.events.Trend;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How a capacity point is computed from the group's parts as they are now, the leader's totals, and
 * the group's earlier window points for the trends. {@code topology.CapacityStores} reads those
 * from the stores for the window processor (final points) and the REST API (the open window).
 *
 * @param shapes reference task shapes for fragmentation
 * @param grace how long after its end a window waits for late inventory before it closes
 * @param horizons trailing horizons of the trends, e.g. 1 h and 24 h
 */
public record CapacityModel(List<Shape> shapes, Duration grace, List<Duration> horizons) {
  public static final Duration WINDOW = Duration.ofMinutes(1);

  /** Leader totals older than this are not shown as a cross-check. */
  static final Duration LEADER_TOTALS_MAX_AGE = Duration.ofMinutes(5);

  /** Minimum points and r² for a forecast (below either the verdict is UNDECIDED). */
  static final int MIN_POINTS = 10;

  static final double MIN_R2 = 0.5;

  /** The cluster totals the leader last reported, and when. */
  public record LeaderTotals(double[] total, Instant at) {}

  public CapacityModel {
    shapes = List.copyOf(shapes);
    horizons = List.copyOf(horizons);
  }

  /** Start of the one-minute window holding {@code t}. */
  public static Instant windowStart(Instant t) {
    long ms = t.toEpochMilli();
    return Instant.ofEpochMilli(ms - Math.floorMod(ms, WINDOW.toMillis()));
  }

  /** How long window points must be kept for the longest trend (plus an hour to spare). */
  public Duration retention() {
    return horizons.stream().max(Duration::compareTo).orElse(Duration.ofHours(24)).plusHours(1);
  }

  /**
   * The group's capacity for the window starting at {@code windowStart}, with trends.
   *
   * @param parts the group's parts as they are now
   * @param earlier the group's stored points for the window ends within {@link #trendSpan}
   * @param leader the cluster totals the leader last reported, or null
   */
  public CapacityTrend point(
      List<CapacityPart> parts,
      List<CapacityTrend> earlier,
      LeaderTotals leader,
      String groupId,
      Instant windowStart,
      boolean fin) {
    GroupIds.Group group = GroupIds.parse(groupId);
    Instant end = windowStart.plus(WINDOW);
    CapacityTrend bare =
        CapacityCalc.compute(group, parts, windowStart, end, fin, shapes, Map.of());
    CapacityTrend point =
        CapacityCalc.compute(
            group, parts, windowStart, end, fin, shapes, trends(earlier, bare, end));
    if (group.kind() == GroupKind.CLUSTER
        && leader != null
        && !leader.at().isBefore(windowStart.minus(LEADER_TOTALS_MAX_AGE))) {
      point.setLeaderTotal(
          Resources.newBuilder()
              .setCpus(leader.total()[0])
              .setMemMb(leader.total()[1])
              .setDiskMb(leader.total()[2])
              .setGpus(leader.total()[3])
              .build());
    }
    return point;
  }

  /**
   * The window-start times of the earlier points the trends of the window starting at {@code
   * windowStart} need: from the longest horizon back up to the window before it (both inclusive).
   */
  public Span trendSpan(Instant windowStart) {
    Instant end = windowStart.plus(WINDOW);
    return new Span(end.minus(retention().minusHours(1)), end.minus(WINDOW).minusMillis(1));
  }

  /** A span of window-start times, both ends inclusive. */
  public record Span(Instant from, Instant to) {}

  /** Trends per resource over each horizon, from the earlier points plus the newest one. */
  private Map<String, List<Trend>> trends(
      List<CapacityTrend> earlier, CapacityTrend newest, Instant end) {
    Map<String, List<Trends.Point>> points = new HashMap<>();
    for (CapacityTrend t : earlier) {
      add(points, t);
    }
    add(points, newest);
    Map<String, List<Trend>> out = new HashMap<>();
    for (Map.Entry<String, List<Trends.Point>> e : points.entrySet()) {
      List<Trend> trends = new ArrayList<>();
      for (Duration h : horizons) {
        Instant from = end.minus(h);
        List<Trends.Point> inHorizon =
            e.getValue().stream().filter(p -> !p.at().isBefore(from)).toList();
        trends.add(Trends.fit(inHorizon, end, h, MIN_POINTS, MIN_R2));
      }
      out.put(e.getKey(), trends);
    }
    return out;
  }

  private static void add(Map<String, List<Trends.Point>> points, CapacityTrend t) {
    for (ResourceCapacity r : t.getResources()) {
      if (r.getTotal() > 0) {
        points
            .computeIfAbsent(r.getResource(), k -> new ArrayList<>())
            .add(new Trends.Point(t.getWindowEnd(), r.getUsedRatio()));
      }
    }
  }
}
