package dev.mesoshealth.collector.core;

import dev.mesoshealth.events.AgentInventory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Agents the leading master stopped listing in /master/slaves. Mesos 1.1+ drops an agent from
 * /master/slaves when it marks it unreachable (its pings failed for agent_ping_timeout x
 * max_agent_ping_timeouts) and lists it again when it re-registers; an agent that shuts down leaves
 * the same way, and the master does not say which. So such an agent is not a tombstone at once: it
 * is published with its last entry, flagged unlisted, for a retention time, and the processor tells
 * the two apart by whether the agent still answers. An agent a new leader knew only from its
 * registry (recovered) and then removed is not one of these: it is gone.
 */
public final class UnlistedAgents {
  private final Duration retention;
  private final Map<String, AgentInventory> listed = new HashMap<>();
  private final Map<String, AgentInventory> unlisted = new HashMap<>();

  /**
   * AGENT_REMOVED events, by agent, with when they came: a round whose read of /master/slaves began
   * before one can still list the agent, and must not undo the removal.
   */
  private final Map<String, Instant> removals = new HashMap<>();

  public UnlistedAgents(Duration retention) {
    this.retention = retention;
  }

  /**
   * What this cluster's collectors published last, read back when this one starts, so an agent the
   * master had already stopped listing is still known (its address above all) and polled. An agent
   * recalled as listed that the next round does not list is unlisted from then on; one that round
   * lists, or knows as recovered, is as the round says.
   */
  public synchronized void recall(java.util.Collection<AgentInventory> published) {
    for (AgentInventory a : published) {
      if (a.getUnlistedSince() != null) {
        unlisted.putIfAbsent(a.getAgentId(), a);
      } else if (!a.getRecovering() && !unlisted.containsKey(a.getAgentId())) {
        listed.putIfAbsent(a.getAgentId(), a);
      }
    }
  }

  /**
   * One /master/slaves round.
   *
   * @param at when the round's read began
   * @return the unlisted agents to publish this round (their last entry, inactive, with
   *     unlistedSince), retention not yet over; among them any the round lists that the leader
   *     removed after the read began ({@link #contains} says so: its listed entry is stale)
   */
  public synchronized List<AgentInventory> update(
      List<AgentInventory> registered, Set<String> recovered, Instant at) {
    Set<String> now = new HashSet<>();
    for (AgentInventory a : registered) {
      Instant removed = removals.get(a.getAgentId());
      if (removed != null && !removed.isBefore(at)) {
        // read before the leader removed it: the removal stands
        listed.remove(a.getAgentId());
        unlisted.putIfAbsent(
            a.getAgentId(),
            AgentInventory.newBuilder(a).setActive(false).setUnlistedSince(removed).build());
        continue;
      }
      now.add(a.getAgentId());
      listed.put(a.getAgentId(), a);
      unlisted.remove(a.getAgentId());
    }
    removals.values().removeIf(removed -> removed.isBefore(at)); // this round's read is newer
    for (String id : recovered) {
      // from here on its fate is the new leader's registry: re-registered, or removed (gone)
      listed.remove(id);
      unlisted.remove(id);
    }
    for (var it = listed.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      if (!now.contains(e.getKey())) {
        AgentInventory last = e.getValue();
        unlisted.put(
            e.getKey(),
            AgentInventory.newBuilder(last).setActive(false).setUnlistedSince(at).build());
        it.remove();
      }
    }
    List<AgentInventory> out = new ArrayList<>();
    for (var it = unlisted.values().iterator(); it.hasNext(); ) {
      AgentInventory a = it.next();
      if (!at.isBefore(a.getUnlistedSince().plus(retention))) {
        it.remove(); // retention over: left out of the round, so it gets its tombstone
      } else {
        out.add(AgentInventory.newBuilder(a).setObservedAt(at).build());
      }
    }
    out.sort(java.util.Comparator.comparing(AgentInventory::getAgentId));
    return out;
  }

  /**
   * The leader's event stream says it removed the agent (AGENT_REMOVED): unlisted from now, as the
   * next /master/slaves round would find.
   *
   * @return its entry to publish, or null if it was not listed (unknown, unlisted already, or
   *     listed only by a round still under way, which then publishes it unlisted)
   */
  public synchronized AgentInventory removedNow(String agentId, java.time.Instant at) {
    removals.put(agentId, at);
    AgentInventory last = listed.remove(agentId);
    if (last == null) {
      return null;
    }
    AgentInventory gone =
        AgentInventory.newBuilder(last)
            .setActive(false)
            .setUnlistedSince(at)
            .setObservedAt(at)
            .build();
    unlisted.put(agentId, gone);
    return gone;
  }

  public synchronized boolean contains(String agentId) {
    return unlisted.containsKey(agentId);
  }

  public synchronized int size() {
    return unlisted.size();
  }
}
