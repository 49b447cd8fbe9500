package dev.mesoshealth.processor.capacity;

import dev.mesoshealth.events.AgentInventory;
import dev.mesoshealth.processor.topology.Decoded;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Sums the capacity groups' agents per stream partition. For each agent's inventory entry it works
 * out what the agent brings to each of its groups and keeps that, in a store (written when it
 * changes) and in memory by group. About once a second it forwards, for each group whose agents
 * reported since, this partition's part of the group (see {@link CapacityPart}).
 *
 * <p>Why not one record per agent and group: a round of inventory arrives all at once, and at
 * 10,000 agents with three or four groups each that was 35,000 repartitioned records every round,
 * on the stream thread that also evaluates health, so snapshots queued behind each round for one to
 * two seconds. Now a round is one record per group and partition.
 */
public final class CapacityFanOut implements Processor<String, Decoded, String, PartUpdate> {
  public static final String AGENTS = "capacity-agents";

  /** How often the parts of groups whose agents reported are forwarded. */
  static final Duration FORWARD_EVERY = Duration.ofSeconds(1);

  private final List<String> attributes;
  private final List<Shape> shapes;
  private final Map<String, Map<String, Contribution>> byGroup = new HashMap<>();
  private final Map<String, Instant> reported = new LinkedHashMap<>();
  private ProcessorContext<String, PartUpdate> context;
  private KeyValueStore<String, AgentGroups> agents;
  private String partition;

  /** What an agent brings to each of its groups, by group id. */
  public record AgentGroups(Map<String, Contribution> groups) {}

  public CapacityFanOut(List<String> attributes, List<Shape> shapes) {
    this.attributes = List.copyOf(attributes);
    this.shapes = List.copyOf(shapes);
  }

  @Override
  public void init(ProcessorContext<String, PartUpdate> context) {
    this.context = context;
    this.agents = context.getStateStore(AGENTS);
    this.partition = Integer.toString(context.taskId().partition());
    // init runs again when a task is revived: start from the store, not from what was in memory
    byGroup.clear();
    reported.clear();
    try (KeyValueIterator<String, AgentGroups> all = agents.all()) {
      while (all.hasNext()) {
        KeyValue<String, AgentGroups> kv = all.next();
        kv.value.groups().forEach((group, c) -> members(group).put(kv.key, c));
      }
    }
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
    Map<String, Contribution> now = new LinkedHashMap<>();
    if (a != null) {
      for (GroupIds.Group g : GroupIds.of(a, attributes)) {
        now.put(g.id(), Contribution.of(a, g.role(), shapes));
      }
    }
    AgentGroups before = agents.get(agentId);
    if (before != null) {
      for (String left : before.groups().keySet()) {
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
    if (a == null) {
      if (before != null) {
        agents.delete(agentId);
      }
    } else if (before == null || !same(before.groups(), now)) {
      agents.put(agentId, new AgentGroups(now));
    }
  }

  private void forwardParts() {
    for (Map.Entry<String, Instant> e : reported.entrySet()) {
      String group = e.getKey();
      Map<String, Contribution> members = byGroup.get(group);
      CapacityPart part = null;
      if (members == null || members.isEmpty()) {
        byGroup.remove(group);
      } else {
        part = CapacityPart.of(members.values(), e.getValue());
      }
      context.forward(
          new Record<>(
              group,
              PartUpdate.part(group, partition, part, e.getValue()),
              e.getValue().toEpochMilli()));
    }
    reported.clear();
  }

  private Map<String, Contribution> members(String group) {
    return byGroup.computeIfAbsent(group, g -> new HashMap<>());
  }

  private void reported(String group, Instant at) {
    reported.merge(group, at, (a, b) -> a.isAfter(b) ? a : b);
  }

  private static boolean same(Map<String, Contribution> a, Map<String, Contribution> b) {
    if (!a.keySet().equals(b.keySet())) {
      return false;
    }
    for (Map.Entry<String, Contribution> e : a.entrySet()) {
      if (!e.getValue().sameAs(b.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }
}
