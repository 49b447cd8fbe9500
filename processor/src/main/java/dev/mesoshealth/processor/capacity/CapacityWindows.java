package dev.mesoshealth.processor.capacity;

import dev.mesoshealth.events.CapacityTrend;
import java.time.Instant;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Per capacity group, one-minute windows in event time: the window [T, T+1m) closes once the group
 * sees an update at or after T+1m plus the grace period (one inventory interval by default, so
 * every agent has reported), and then its final point is computed from the group's parts as they
 * are, kept in a window store for history and trends, and emitted. Keyed by group id; the leader's
 * cluster totals arrive on the same key (the cluster group) and are only remembered.
 */
public final class CapacityWindows implements Processor<String, PartUpdate, String, CapacityTrend> {
  public static final String PARTS = "capacity-parts";
  public static final String OPEN_WINDOWS = "capacity-open-windows";
  public static final String MINUTES = "capacity-minutes";
  public static final String LEADER_TOTALS = "capacity-leader-totals";

  private final CapacityModel model;
  private ProcessorContext<String, CapacityTrend> context;
  private KeyValueStore<String, CapacityPart> parts;
  private KeyValueStore<String, Long> open;
  private WindowStore<String, CapacityTrend> minutes;
  private KeyValueStore<String, CapacityModel.LeaderTotals> leaders;

  public CapacityWindows(CapacityModel model) {
    this.model = model;
  }

  @Override
  public void init(ProcessorContext<String, CapacityTrend> context) {
    this.context = context;
    this.parts = context.getStateStore(PARTS);
    this.open = context.getStateStore(OPEN_WINDOWS);
    this.minutes = context.getStateStore(MINUTES);
    this.leaders = context.getStateStore(LEADER_TOTALS);
  }

  @Override
  public void process(Record<String, PartUpdate> record) {
    PartUpdate u = record.value();
    String group = u.groupId();
    if (u.isLeaderTotals()) {
      leaders.put(group, new CapacityModel.LeaderTotals(u.leaderTotal(), u.at()));
      return;
    }
    String key = CapacityModel.partKey(group, u.partition());
    CapacityPart before = parts.get(key);
    if (!u.wholeRound() && before != null && !before.partialRound()) {
      // a partition that started again and has not seen every agent yet: its last whole part
      // stays; a part that was itself partial (a fresh start's first round, seen across more than
      // one forward) gives way to the larger one that follows
    } else if (u.part() == null) {
      parts.delete(key);
    } else {
      parts.put(key, u.part());
    }
    long windowStart = CapacityModel.windowStart(u.at()).toEpochMilli();
    Long openStart = open.get(group);
    if (openStart == null) {
      open.put(group, windowStart);
      return;
    }
    long window = CapacityModel.WINDOW.toMillis();
    if (u.at().toEpochMilli() >= openStart + window + model.grace().toMillis()) {
      CapacityTrend point =
          model.point(parts, minutes, leaders, group, Instant.ofEpochMilli(openStart), true);
      minutes.put(group, point, openStart);
      context.forward(new Record<>(group, point, record.timestamp()));
      open.put(group, Math.max(windowStart, openStart + window));
    }
  }
}
