package dev.mesoshealth.processor.topology;

import dev.mesoshealth.events.CapacityTrend;
import dev.mesoshealth.events.GroupKind;
import dev.mesoshealth.processor.capacity.CapacityModel;
import dev.mesoshealth.processor.capacity.CapacityModel.LeaderTotals;
import dev.mesoshealth.processor.capacity.CapacityPart;
import dev.mesoshealth.processor.capacity.GroupIds;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Reads what {@link CapacityModel} needs for a point from the capacity stores: the group's parts,
 * its earlier window points and the leader's totals. Shared by the window processor (final points)
 * and the REST API (the interim view of the open window).
 */
public record CapacityStores(
    CapacityModel model,
    ReadOnlyKeyValueStore<String, CapacityPart> parts,
    ReadOnlyWindowStore<String, CapacityTrend> minutes,
    ReadOnlyKeyValueStore<String, LeaderTotals> leaders) {

  /** The group's capacity for the window starting at {@code windowStart}, with trends. */
  public CapacityTrend point(String groupId, Instant windowStart, boolean fin) {
    return point(parts(parts, groupId), groupId, windowStart, fin);
  }

  /** The same, from the group's parts as given. */
  CapacityTrend point(
      List<CapacityPart> groupParts, String groupId, Instant windowStart, boolean fin) {
    CapacityModel.Span span = model.trendSpan(windowStart);
    List<CapacityTrend> earlier = new ArrayList<>();
    try (WindowStoreIterator<CapacityTrend> it = minutes.fetch(groupId, span.from(), span.to())) {
      while (it.hasNext()) {
        earlier.add(it.next().value);
      }
    }
    GroupIds.Group group = GroupIds.parse(groupId);
    LeaderTotals leader = group.kind() == GroupKind.CLUSTER ? leaders.get(group.cluster()) : null;
    return model.point(groupParts, earlier, leader, groupId, windowStart, fin);
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
}
