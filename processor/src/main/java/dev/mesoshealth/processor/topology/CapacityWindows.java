package dev.mesoshealth.processor.topology;

import dev.mesoshealth.events.CapacityTrend;
import dev.mesoshealth.processor.capacity.CapacityModel;
import dev.mesoshealth.processor.capacity.CapacityPart;
import dev.mesoshealth.processor.capacity.PartUpdate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Per capacity group, one-minute windows in event time: the window [T, T+1m) closes once the group
 * sees an update at or after T+1m plus the grace period (one inventory interval by default, so
 * every partition has reported), and then its final point is computed from the group's parts as
 * they stood at T+1m, kept in a window store for history and trends, and emitted. A partition's
 * first update past T+1m keeps its part as it stood (the closing parts) before replacing it, so the
 * rounds that arrive during the grace period count for the next window, not this one. Keyed by
 * group id; the leader's cluster totals arrive on the same key (the cluster group) and are only
 * remembered.
 */
public final class CapacityWindows implements Processor<String, PartUpdate, String, CapacityTrend> {
  private final CapacityModel model;
  private ProcessorContext<String, CapacityTrend> context;
  private KeyValueStore<String, CapacityPart> parts;
  private KeyValueStore<String, Long> open;
  private WindowStore<String, CapacityTrend> minutes;
  private KeyValueStore<String, CapacityModel.LeaderTotals> leaders;
  private KeyValueStore<String, CapacityPart> closing;
  private CapacityStores reads;

  public CapacityWindows(CapacityModel model) {
    this.model = model;
  }

  @Override
  public void init(ProcessorContext<String, CapacityTrend> context) {
    this.context = context;
    this.parts = context.getStateStore(StoreNames.CAPACITY_GROUP_PARTS);
    this.open = context.getStateStore(StoreNames.CAPACITY_OPEN_WINDOWS);
    this.minutes = context.getStateStore(StoreNames.CAPACITY_MINUTES);
    this.leaders = context.getStateStore(StoreNames.CAPACITY_LEADER_TOTALS);
    this.closing = context.getStateStore(StoreNames.CAPACITY_CLOSING_PARTS);
    this.reads = new CapacityStores(model, parts, minutes, leaders);
  }

  @Override
  public void process(Record<String, PartUpdate> record) {
    PartUpdate u = record.value();
    String group = u.groupId();
    if (u.isLeaderTotals()) {
      leaders.put(group, new CapacityModel.LeaderTotals(u.leaderTotal(), u.at()));
      return;
    }
    String key = CapacityStores.partKey(group, u.partition());
    CapacityPart before = parts.get(key);
    Long openStart = open.get(group);
    long window = CapacityModel.WINDOW.toMillis();
    if (openStart != null
        && u.at().toEpochMilli() >= openStart + window
        && closing.get(key) == null) {
      // the open window is over for this partition: its part as it stood is the window's
      closing.put(key, before != null ? before : CapacityPart.of(List.of(), u.at(), false));
    }
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
    if (openStart == null) {
      open.put(group, windowStart);
      return;
    }
    if (u.at().toEpochMilli() >= openStart + window + model.grace().toMillis()) {
      CapacityTrend point =
          reads.point(closedParts(group), group, Instant.ofEpochMilli(openStart), true);
      minutes.put(group, point, openStart);
      context.forward(new Record<>(group, point, record.timestamp()));
      open.put(group, Math.max(windowStart, openStart + window));
    }
  }

  /**
   * The group's parts as they stood when its open window ended: a partition's closing part where it
   * has one (it has moved on), else its part now; the closing parts are then used up.
   */
  private List<CapacityPart> closedParts(String group) {
    Map<String, CapacityPart> byPartition = new TreeMap<>();
    String prefix = CapacityStores.partKey(group, "");
    try (KeyValueIterator<String, CapacityPart> it =
        parts.prefixScan(prefix, new StringSerializer())) {
      it.forEachRemaining(kv -> byPartition.put(kv.key, kv.value));
    }
    List<String> used = new ArrayList<>();
    try (KeyValueIterator<String, CapacityPart> it =
        closing.prefixScan(prefix, new StringSerializer())) {
      it.forEachRemaining(
          kv -> {
            byPartition.put(kv.key, kv.value);
            used.add(kv.key);
          });
    }
    used.forEach(closing::delete);
    return new ArrayList<>(byPartition.values());
  }
}
