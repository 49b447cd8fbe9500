package dev.mesoshealth.console.model;

import dev.mesoshealth.events.AgentInventory;
import dev.mesoshealth.events.CapacityTrend;
import dev.mesoshealth.events.EndpointHealth;
import dev.mesoshealth.events.HealthReason;
import dev.mesoshealth.events.HealthState;
import dev.mesoshealth.events.HealthTransition;
import dev.mesoshealth.events.MetricSnapshot;
import dev.mesoshealth.events.NodeRef;
import dev.mesoshealth.events.NodeRole;
import dev.mesoshealth.events.ResourceCapacity;
import dev.mesoshealth.schemas.json.EventJson;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the console shows, built from the output topics: clusters, nodes (state, reasons, the
 * agent's attributes and roles, a master's key gauges), the latest transitions, capacity per group
 * with its recent history, and endpoints. Events go in; a full snapshot (for a browser that
 * connects) and the changes since the last drain (for browsers already connected) come out as
 * {@link ConsoleViews} records. Not thread-safe: the caller serialises access. Pure.
 */
public final class ConsoleModel {
  /** Gauges shown for masters on the masters panel (streamed: few masters). */
  public static final List<String> MASTER_GAUGES =
      List.of(
          "mesos.registrar.state_store_ms.p99",
          "mesos.cluster.event_queue_messages",
          "mesos.cluster.event_queue_dispatches",
          "mesos.stats.uptime_secs");

  /** Metrics kept per node for its detail view (served on request, not streamed). */
  public static final List<String> DETAIL_METRICS =
      List.of(
          "mesos.stats.registered",
          "mesos.stats.uptime_secs",
          "mesos.slave.tasks_running",
          "mesos.slave.tasks_failed",
          "mesos.slave.tasks_lost",
          "mesos.slave.cpus_percent",
          "mesos.slave.mem_percent",
          "mesos.slave.disk_percent",
          "mesos.slave.container_launch_errors",
          "mesos.slave.recovery_errors",
          "mesos.stats.system.load_5min",
          "mesos.stats.system.cpus_total",
          "mesos.stats.system.mem_free_bytes",
          "mesos.stats.system.mem_total_bytes",
          "mesos.stats.elected",
          "mesos.registrar.state_store_ms.p99",
          "mesos.cluster.event_queue_messages",
          "mesos.cluster.event_queue_dispatches",
          "mesos.cluster.tasks_running",
          "mesos.cluster.frameworks_active");

  private final int keepTransitions;
  private final int keepCapacityPoints;

  private final Map<String, ConsoleViews.Cluster> clusters = new TreeMap<>();
  private final Map<String, HealthState> states = new HashMap<>();
  private final Map<String, AgentInventory> inventory = new HashMap<>();
  private final Map<String, Map<String, Double>> metrics = new HashMap<>();
  private final Map<String, Boolean> elected = new HashMap<>();
  private final Deque<ConsoleViews.Transition> transitions = new ArrayDeque<>();
  private final Map<String, CapacityTrend> capacity = new TreeMap<>();
  private final Map<String, Deque<Map<String, Object>>> capacityHistory = new HashMap<>();
  private final Map<String, EndpointHealth> endpoints = new TreeMap<>();
  private Instant lastEventAt;

  // changes since the last drain
  private final Set<String> changedNodes = new LinkedHashSet<>();
  private final Set<String> changedClusters = new LinkedHashSet<>();
  private final List<ConsoleViews.Transition> newTransitions = new ArrayList<>();
  private final Set<String> changedCapacity = new LinkedHashSet<>();
  private final Set<String> changedEndpoints = new LinkedHashSet<>();

  /**
   * @param keepTransitions how many recent transitions to keep and show
   * @param keepCapacityPoints how many one-minute points of each group's history to keep
   */
  public ConsoleModel(int keepTransitions, int keepCapacityPoints) {
    this.keepTransitions = keepTransitions;
    this.keepCapacityPoints = keepCapacityPoints;
  }

  // ------------------------------------------------------------------ events in

  /** A health state; null (tombstone) when the node is forgotten. Key: node id or cluster:name. */
  public void health(String key, HealthState s, Instant receivedAt) {
    touch(receivedAt);
    if (key.startsWith("cluster:")) {
      String name = key.substring("cluster:".length());
      if (s == null) {
        clusters.remove(name);
      } else {
        clusters.put(
            name,
            new ConsoleViews.Cluster(
                name,
                s.getState().name(),
                str(s.getSince()),
                reasons(s.getReasons()),
                str(s.getEvaluatedAt())));
      }
      changedClusters.add(name);
      return;
    }
    if (s == null) {
      states.remove(key);
      metrics.remove(key);
      elected.remove(key);
    } else {
      states.put(key, s);
    }
    changedNodes.add(key);
  }

  /** An agent's inventory entry; null when it left. */
  public void inventory(String agentId, AgentInventory a, Instant receivedAt) {
    touch(receivedAt);
    if (a == null) {
      inventory.remove(agentId);
    } else {
      inventory.put(agentId, a);
    }
    if (states.containsKey(agentId)) {
      changedNodes.add(agentId);
    }
  }

  public void transition(HealthTransition t, Instant receivedAt) {
    touch(receivedAt);
    ConsoleViews.Transition v =
        new ConsoleViews.Transition(
            t.getNode().getId(),
            t.getNode().getRole().name(),
            t.getNode().getHostname(),
            t.getNode().getCluster(),
            t.getFrom().name(),
            t.getTo().name(),
            str(t.getAt()),
            reasons(t.getReasons()));
    transitions.addFirst(v);
    while (transitions.size() > keepTransitions) {
      transitions.removeLast();
    }
    newTransitions.add(v);
  }

  /** A snapshot: keeps the detail metrics, and for a master its elected flag and gauges. */
  public void snapshot(MetricSnapshot s, Instant receivedAt) {
    touch(receivedAt);
    NodeRef n = s.getNode();
    if (s.getMetrics().isEmpty()) {
      return; // a failed poll: the state says so, the last values stay
    }
    Map<String, Double> kept = new TreeMap<>();
    for (String name : DETAIL_METRICS) {
      Double v = s.getMetrics().get(name);
      if (v != null) {
        kept.put(name, v);
      }
    }
    Map<String, Double> before = metrics.put(n.getId(), kept);
    if (n.getRole() == NodeRole.MASTER) {
      Boolean was = elected.put(n.getId(), Boolean.TRUE.equals(s.getElected()));
      if (!Boolean.valueOf(Boolean.TRUE.equals(s.getElected())).equals(was)
          || before == null
          || !gauges(before).equals(gauges(kept))) {
        changedNodes.add(n.getId());
      }
    }
  }

  /** A final capacity point of a group. */
  public void capacity(String groupId, CapacityTrend t, Instant receivedAt) {
    touch(receivedAt);
    capacity.put(groupId, t);
    Deque<Map<String, Object>> h =
        capacityHistory.computeIfAbsent(groupId, g -> new ArrayDeque<>());
    Map<String, Object> point = new LinkedHashMap<>();
    point.put("t", str(t.getWindowEnd()));
    for (ResourceCapacity r : t.getResources()) {
      point.put(r.getResource(), r.getUsedRatio());
    }
    if (!h.isEmpty() && point.get("t").equals(h.peekLast().get("t"))) {
      h.removeLast();
    }
    h.addLast(point);
    while (h.size() > keepCapacityPoints) {
      h.removeFirst();
    }
    changedCapacity.add(groupId);
  }

  /** An endpoint; null (tombstone) when its task ended. Key: app id|task id. */
  public void endpoint(String key, EndpointHealth e, Instant receivedAt) {
    touch(receivedAt);
    if (e == null) {
      endpoints.remove(key);
    } else {
      endpoints.put(key, e);
    }
    changedEndpoints.add(key);
  }

  private void touch(Instant at) {
    if (lastEventAt == null || at.isAfter(lastEventAt)) {
      lastEventAt = at;
    }
  }

  // ------------------------------------------------------------------ views out

  /** Everything, for a browser that has just connected. */
  public ConsoleViews.Full fullView() {
    List<ConsoleViews.Node> nodes = new ArrayList<>();
    for (String id : new java.util.TreeSet<>(states.keySet())) {
      nodes.add(node(id));
    }
    List<ConsoleViews.Capacity> groups = new ArrayList<>();
    capacity.keySet().forEach(g -> groups.add(capacityView(g)));
    List<ConsoleViews.Endpoint> eps = new ArrayList<>();
    endpoints.forEach((k, e) -> eps.add(endpointView(k, e)));
    return new ConsoleViews.Full(
        new ArrayList<>(clusters.values()),
        nodes,
        new ArrayList<>(transitions),
        groups,
        eps,
        str(lastEventAt));
  }

  /** Whether anything changed since the last drain. */
  public boolean hasChanges() {
    return !changedNodes.isEmpty()
        || !changedClusters.isEmpty()
        || !newTransitions.isEmpty()
        || !changedCapacity.isEmpty()
        || !changedEndpoints.isEmpty();
  }

  /**
   * What changed since the last drain, then forgets it: upserts by key, and the keys removed.
   * Applying every drained change, in order, to a full view gives the current full view.
   */
  public ConsoleViews.Changes drainChanges() {
    List<ConsoleViews.Cluster> cs = new ArrayList<>();
    List<String> removedClusters = new ArrayList<>();
    for (String name : changedClusters) {
      if (clusters.containsKey(name)) {
        cs.add(clusters.get(name));
      } else {
        removedClusters.add(name);
      }
    }
    List<ConsoleViews.Node> nodes = new ArrayList<>();
    List<String> removedNodes = new ArrayList<>();
    for (String id : changedNodes) {
      if (states.containsKey(id)) {
        nodes.add(node(id));
      } else {
        removedNodes.add(id);
      }
    }
    List<ConsoleViews.Capacity> groups = new ArrayList<>();
    changedCapacity.forEach(g -> groups.add(capacityView(g)));
    List<ConsoleViews.Endpoint> eps = new ArrayList<>();
    List<String> removedEndpoints = new ArrayList<>();
    for (String key : changedEndpoints) {
      EndpointHealth e = endpoints.get(key);
      if (e == null) {
        removedEndpoints.add(key);
      } else {
        eps.add(endpointView(key, e));
      }
    }
    List<ConsoleViews.Transition> fresh = new ArrayList<>(newTransitions);
    java.util.Collections.reverse(fresh); // newest first, as in the full view
    ConsoleViews.Changes out =
        new ConsoleViews.Changes(
            cs,
            removedClusters,
            nodes,
            removedNodes,
            fresh,
            groups,
            eps,
            removedEndpoints,
            str(lastEventAt));
    changedClusters.clear();
    changedNodes.clear();
    newTransitions.clear();
    changedCapacity.clear();
    changedEndpoints.clear();
    return out;
  }

  /** One node with its kept metrics and the endpoints on it (the detail view); null if unknown. */
  public ConsoleViews.NodeDetail nodeDetail(String id) {
    if (!states.containsKey(id)) {
      return null;
    }
    List<ConsoleViews.Endpoint> eps = new ArrayList<>();
    endpoints.forEach(
        (k, e) -> {
          if (id.equals(e.getAgentId())) {
            eps.add(endpointView(k, e));
          }
        });
    AgentInventory a = inventory.get(id);
    return new ConsoleViews.NodeDetail(
        node(id),
        metrics.getOrDefault(id, Map.of()),
        eps,
        a == null
            ? null
            : new ConsoleViews.Resources(
                EventJson.tree(a.getTotal()), EventJson.tree(a.getUsed())));
  }

  public Instant lastEventAt() {
    return lastEventAt;
  }

  public int nodeCount() {
    return states.size();
  }

  private ConsoleViews.Node node(String id) {
    HealthState s = states.get(id);
    NodeRef n = s.getNode();
    AgentInventory a = inventory.get(id);
    boolean master = n.getRole() == NodeRole.MASTER;
    return new ConsoleViews.Node(
        id,
        n.getCluster(),
        n.getRole().name(),
        n.getHostname(),
        n.getAddress(),
        s.getState().name(),
        str(s.getSince()),
        reasons(s.getReasons()),
        str(s.getLastSnapshotAt()),
        a == null ? null : new TreeMap<>(a.getAttributes()),
        a == null ? null : new ArrayList<>(new java.util.TreeSet<>(a.getReservedByRole().keySet())),
        a == null ? null : a.getZone(),
        a == null ? null : a.getActive(),
        a == null ? null : a.getDrainState(),
        a == null || a.getMaintenanceMode() == null
            ? null
            : new ConsoleViews.Maintenance(
                a.getMaintenanceMode(), str(a.getMaintenanceStart()), str(a.getMaintenanceEnd())),
        master ? elected.getOrDefault(id, false) : null,
        master ? gauges(metrics.getOrDefault(id, Map.of())) : null);
  }

  private static Map<String, Double> gauges(Map<String, Double> metrics) {
    Map<String, Double> g = new TreeMap<>();
    for (String name : MASTER_GAUGES) {
      Double v = metrics.get(name);
      if (v != null) {
        g.put(name, v);
      }
    }
    return g;
  }

  private ConsoleViews.Capacity capacityView(String groupId) {
    return new ConsoleViews.Capacity(
        groupId,
        EventJson.tree(capacity.get(groupId)),
        new ArrayList<>(capacityHistory.getOrDefault(groupId, new ArrayDeque<>())));
  }

  private static ConsoleViews.Endpoint endpointView(String key, EndpointHealth e) {
    return new ConsoleViews.Endpoint(
        key,
        e.getCluster(),
        e.getAppId(),
        e.getTaskId(),
        e.getBackend(),
        e.getHost(),
        e.getIp(),
        e.getPort(),
        e.getAgentId(),
        e.getStatus().name(),
        List.copyOf(e.getReasons()));
  }

  private static List<ConsoleViews.Reason> reasons(List<HealthReason> reasons) {
    List<ConsoleViews.Reason> out = new ArrayList<>();
    for (HealthReason r : reasons) {
      out.add(
          new ConsoleViews.Reason(
              r.getRule(),
              r.getSeverity().name(),
              r.getMetric(),
              r.getObserved(),
              r.getThreshold(),
              r.getMessage()));
    }
    return out;
  }

  private static String str(Instant t) {
    return t == null ? null : t.toString();
  }
}
