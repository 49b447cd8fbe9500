package dev.mesoshealth.processor.capacity;

import dev.mesoshealth.events.CapacityTrend;
import dev.mesoshealth.events.ResourceCapacity;
import dev.mesoshealth.events.Trend;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Per capacity group, one-minute windows in event time: the window [T, T+1m) closes once stream
 * time reaches T+1m plus the grace period (one inventory interval by default, so every agent has
 * reported), and then its final point is computed from the group's members as they are, kept in a
 * window store for history, fitted into 1 h and 24 h trends, and emitted. Keyed by group id.
 */
public final class CapacityWindows
    implements Processor<String, MemberUpdate, String, CapacityTrend> {
  public static final String MEMBERS = "capacity-members";
  public static final String OPEN_WINDOWS = "capacity-open-windows";
  public static final String MINUTES = "capacity-minutes";
  public static final Duration WINDOW = Duration.ofMinutes(1);

  private final List<Shape> shapes;
  private final Duration grace;
  private final List<Duration> horizons;
  private ProcessorContext<String, CapacityTrend> context;
  private KeyValueStore<String, Contribution> members;
  private KeyValueStore<String, Long> open;
  private WindowStore<String, CapacityTrend> minutes;

  public CapacityWindows(List<Shape> shapes, Duration grace, List<Duration> horizons) {
    this.shapes = List.copyOf(shapes);
    this.grace = grace;
    this.horizons = List.copyOf(horizons);
  }

  @Override
  public void init(ProcessorContext<String, CapacityTrend> context) {
    this.context = context;
    this.members = context.getStateStore(MEMBERS);
    this.open = context.getStateStore(OPEN_WINDOWS);
    this.minutes = context.getStateStore(MINUTES);
  }

  @Override
  public void process(Record<String, MemberUpdate> record) {
    MemberUpdate u = record.value();
    String group = u.groupId();
    String key = group + "|" + u.agentId();
    if (u.contribution() == null) {
      members.delete(key);
    } else {
      members.put(key, u.contribution());
    }
    long t = u.at().toEpochMilli();
    long windowStart = t - Math.floorMod(t, WINDOW.toMillis());
    Long openStart = open.get(group);
    if (openStart == null) {
      open.put(group, windowStart);
      return;
    }
    if (t >= openStart + WINDOW.toMillis() + grace.toMillis()) {
      CapacityTrend point = snapshot(group, Instant.ofEpochMilli(openStart), true);
      minutes.put(group, point, openStart);
      context.forward(new Record<>(group, point, record.timestamp()));
      open.put(group, windowStart > openStart ? windowStart : openStart + WINDOW.toMillis());
    }
  }

  /** The group's capacity now, for the window starting at {@code windowStart}, with trends. */
  CapacityTrend snapshot(String group, Instant windowStart, boolean fin) {
    List<Contribution> list = members(members, group);
    Instant end = windowStart.plus(WINDOW);
    CapacityTrend bare =
        CapacityCalc.compute(GroupIds.parse(group), list, windowStart, end, fin, shapes, Map.of());
    return CapacityCalc.compute(
        GroupIds.parse(group),
        list,
        windowStart,
        end,
        fin,
        shapes,
        trends(minutes, group, bare, end, horizons));
  }

  static List<Contribution> members(
      org.apache.kafka.streams.state.ReadOnlyKeyValueStore<String, Contribution> store,
      String group) {
    List<Contribution> list = new ArrayList<>();
    try (KeyValueIterator<String, Contribution> it =
        store.prefixScan(group + "|", new StringSerializer())) {
      while (it.hasNext()) {
        KeyValue<String, Contribution> kv = it.next();
        list.add(kv.value);
      }
    }
    return list;
  }

  /** Trends per resource over each horizon, from the stored points plus the newest one. */
  static Map<String, List<Trend>> trends(
      org.apache.kafka.streams.state.ReadOnlyWindowStore<String, CapacityTrend> store,
      String group,
      CapacityTrend newest,
      Instant end,
      List<Duration> horizons) {
    Duration longest = horizons.stream().max(Duration::compareTo).orElse(Duration.ofHours(1));
    Map<String, List<Trends.Point>> points = new HashMap<>();
    try (WindowStoreIterator<CapacityTrend> it =
        store.fetch(group, end.minus(longest), end.minusMillis(1))) {
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
        trends.add(Trends.fit(inHorizon, end, h, 10, 0.5));
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
