package dev.mesoshealth.processor.capacity;

import dev.mesoshealth.events.AgentInventory;
import dev.mesoshealth.processor.topology.Decoded;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * For each agent's inventory entry, what it contributes to each of its capacity groups; when its
 * groups change (or it leaves), a removal for the groups it left. Keyed by agent id; remembers each
 * agent's groups.
 */
public final class CapacityFanOut implements Processor<String, Decoded, String, MemberUpdate> {
  public static final String AGENT_GROUPS = "capacity-agent-groups";

  private final List<String> attributes;
  private final List<Shape> shapes;
  private ProcessorContext<String, MemberUpdate> context;
  private KeyValueStore<String, AgentGroups> groups;

  /** The groups an agent was last counted in. */
  public record AgentGroups(List<String> ids) {}

  public CapacityFanOut(List<String> attributes, List<Shape> shapes) {
    this.attributes = List.copyOf(attributes);
    this.shapes = List.copyOf(shapes);
  }

  @Override
  public void init(ProcessorContext<String, MemberUpdate> context) {
    this.context = context;
    this.groups = context.getStateStore(AGENT_GROUPS);
  }

  @Override
  public void process(Record<String, Decoded> record) {
    if (!(record.value() instanceof Decoded.Inventory inventory)) {
      return;
    }
    String agentId = record.key();
    AgentInventory a = inventory.value();
    AgentGroups before = groups.get(agentId);
    Set<String> left = new LinkedHashSet<>(before == null ? List.of() : before.ids());
    Instant at = a == null ? Instant.ofEpochMilli(record.timestamp()) : a.getObservedAt();
    List<String> now = new ArrayList<>();
    if (a != null) {
      for (GroupIds.Group g : GroupIds.of(a, attributes)) {
        now.add(g.id());
        left.remove(g.id());
        context.forward(
            new Record<>(
                agentId,
                MemberUpdate.member(g.id(), agentId, Contribution.of(a, g.role(), shapes), at),
                record.timestamp()));
      }
    }
    for (String gone : left) {
      context.forward(
          new Record<>(agentId, MemberUpdate.member(gone, agentId, null, at), record.timestamp()));
    }
    if (a == null) {
      groups.delete(agentId);
    } else {
      groups.put(agentId, new AgentGroups(now));
    }
  }
}
