package dev.mesoshealth.processor.topology;

import dev.mesoshealth.events.AgentInventory;
import dev.mesoshealth.processor.capacity.CapacityPart;
import dev.mesoshealth.processor.capacity.Contribution;
import dev.mesoshealth.processor.capacity.GroupIds;
import dev.mesoshealth.processor.capacity.PartUpdate;
import dev.mesoshealth.processor.capacity.Shape;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Sums the capacity groups' agents per stream partition. For each agent's inventory entry it works
 * out what the agent brings to each of its groups; about once a second it forwards, for each group
 * whose agents reported since, this partition's part of the group (see {@link CapacityPart}).
 *
 * <p>One record per group and partition rather than per agent and group keeps a round of inventory
 * from flooding the stream thread that also judges health; what each agent brings is kept in memory
 * only, known again once the second round after a start begins; until then its parts say they are
 * not from a whole round, and a group keeps the whole part it had from the partition, if any
 * (docs/design.md).
 */
public final class CapacityFanOut implements Processor<String, Decoded, String, PartUpdate> {
  /** How often the parts of groups whose agents reported are forwarded. */
  static final Duration FORWARD_EVERY = Duration.ofSeconds(1);

  private final List<String> attributes;
  private final List<Shape> shapes;
  private final Map<String, Map<String, Contribution>> byAgent = new HashMap<>();
  private final Map<String, Map<String, Contribution>> byGroup = new HashMap<>();
  private final Map<String, Instant> reported = new LinkedHashMap<>();
  private ProcessorContext<String, PartUpdate> context;
  private String partition;
  private Instant firstRound;
  private boolean complete;

  public CapacityFanOut(List<String> attributes, List<Shape> shapes) {
    this.attributes = List.copyOf(attributes);
    this.shapes = List.copyOf(shapes);
  }

  @Override
  public void init(ProcessorContext<String, PartUpdate> context) {
    this.context = context;
    this.partition = Integer.toString(context.taskId().partition());
    // init runs again when a task is revived: start over
    byAgent.clear();
    byGroup.clear();
    reported.clear();
    firstRound = null;
    complete = false;
    // stream time moves with the snapshots; wall-clock time covers a quiet input
    context.schedule(FORWARD_EVERY, PunctuationType.STREAM_TIME, t -> forwardParts());
    context.schedule(FORWARD_EVERY, PunctuationType.WALL_CLOCK_TIME, t -> forwardParts());
  }

  @Override
  public void process(Record<String, Decoded> record) {
    if (!(record.value() instanceof Decoded.Inventory inventory)) {
      return;
    }
    String agentId = record.key();
    AgentInventory a = inventory.value();
    Instant at = a == null ? Instant.ofEpochMilli(record.timestamp()) : a.getObservedAt();
    if (a != null && !complete) {
      // a round's entries share its observation time: a later one means a whole round was seen
      if (firstRound == null) {
        firstRound = at;
      } else if (at.isAfter(firstRound)) {
        complete = true;
      }
    }
    Map<String, Contribution> now = new HashMap<>();
    if (a != null && a.getRecovering()) {
      // a new leader knows it only from its registry (no resources): what it brought stands
      now.putAll(byAgent.getOrDefault(agentId, Map.of()));
    } else if (a != null) {
      for (GroupIds.Group g : GroupIds.of(a, attributes)) {
        now.put(g.id(), Contribution.of(a, g.role(), shapes));
      }
    }
    Map<String, Contribution> before =
        a == null ? byAgent.remove(agentId) : byAgent.put(agentId, now);
    if (complete) {
      // a group's next round begins: its last one goes first, as it was, however many rounds a
      // backlog brings at once, so each round can close the windows it ends
      for (String group : before == null ? now.keySet() : union(before.keySet(), now.keySet())) {
        Instant last = reported.get(group);
        if (last != null && at.isAfter(last)) {
          forwardPart(group, last);
          reported.remove(group);
        }
      }
    }
    if (before != null) {
      for (String left : before.keySet()) {
        if (!now.containsKey(left)) {
          members(left).remove(agentId);
          reported(left, at);
        }
      }
    }
    // every group the agent is in is reported, changed or not: its part is forwarded each round,
    // which is what moves the group's windows on
    now.forEach(
        (group, c) -> {
          members(group).put(agentId, c);
          reported(group, at);
        });
  }

  private void forwardParts() {
    reported.forEach(this::forwardPart);
    reported.clear();
  }

  private void forwardPart(String group, Instant at) {
    Map<String, Contribution> members = byGroup.get(group);
    CapacityPart part = null;
    if (members == null || members.isEmpty()) {
      byGroup.remove(group);
    } else {
      part = CapacityPart.of(members.values(), at, !complete);
    }
    context.forward(
        new Record<>(
            group, PartUpdate.part(group, partition, part, complete, at), at.toEpochMilli()));
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new HashSet<>(a);
    all.addAll(b);
    return all;
  }

  private Map<String, Contribution> members(String group) {
    return byGroup.computeIfAbsent(group, g -> new HashMap<>());
  }

  private void reported(String group, Instant at) {
    reported.merge(group, at, (a, b) -> a.isAfter(b) ? a : b);
  }
}
