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
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * How a capacity point is computed from what the stores hold: the group's parts as they are now,
 * the leader's totals, and the group's earlier window points for the trends. Shared by the window
 * processor (final points) and the REST API (the interim view of the open window).
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

  /** The group's capacity for the window starting at {@code windowStart}, with trends. */
  public CapacityTrend point(
      ReadOnlyKeyValueStore<String, CapacityPart> parts,
      ReadOnlyWindowStore<String, CapacityTrend> minutes,
      ReadOnlyKeyValueStore<String, LeaderTotals> leaders,
      String groupId,
      Instant windowStart,
      boolean fin) {
    return point(parts(parts, groupId), minutes, leaders, groupId, windowStart, fin);
  }

  /** The same, from the group's parts as given. */
  CapacityTrend point(
      List<CapacityPart> list,
      ReadOnlyWindowStore<String, CapacityTrend> minutes,
      ReadOnlyKeyValueStore<String, LeaderTotals> leaders,
      String groupId,
      Instant windowStart,
      boolean fin) {
    GroupIds.Group group = GroupIds.parse(groupId);
    Instant end = windowStart.plus(WINDOW);
    CapacityTrend bare = CapacityCalc.compute(group, list, windowStart, end, fin, shapes, Map.of());
    CapacityTrend point =
        CapacityCalc.compute(
            group, list, windowStart, end, fin, shapes, trends(minutes, groupId, bare, end));
    if (group.kind() == GroupKind.CLUSTER) {
      LeaderTotals t = leaders.get(group.cluster());
      if (t != null && !t.at().isBefore(windowStart.minus(LEADER_TOTALS_MAX_AGE))) {
        point.setLeaderTotal(
            Resources.newBuilder()
                .setCpus(t.total()[0])
                .setMemMb(t.total()[1])
                .setDiskMb(t.total()[2])
                .setGpus(t.total()[3])
                .build());
      }
    }
    return point;
  }

  /** The parts of one group: keys are "group|partition", so a prefix scan finds them. */
  static List<CapacityPart> parts(
      ReadOnlyKeyValueStore<String, CapacityPart> store, String groupId) {
    List<CapacityPart> list = new ArrayList<>();
    try (KeyValueIterator<String, CapacityPart> it =
        store.prefixScan(partKey(groupId, ""), new StringSerializer())) {
      while (it.hasNext()) {
        list.add(it.next().value);
      }
    }
    return list;
  }

  static String partKey(String groupId, String partition) {
    return groupId + "|" + partition;
  }

  /** Trends per resource over each horizon, from the stored points plus the newest one. */
  private Map<String, List<Trend>> trends(
      ReadOnlyWindowStore<String, CapacityTrend> store,
      String groupId,
      CapacityTrend newest,
      Instant end) {
    Duration longest = retention().minusHours(1);
    Map<String, List<Trends.Point>> points = new HashMap<>();
    try (WindowStoreIterator<CapacityTrend> it =
        store.fetch(groupId, end.minus(longest), end.minus(WINDOW).minusMillis(1))) {
      while (it.hasNext()) {
        add(points, it.next().value);
      }
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
