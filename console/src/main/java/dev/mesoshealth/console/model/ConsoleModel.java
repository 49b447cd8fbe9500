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
 * JSON-ready maps. Not thread-safe: the caller serialises access. Pure.
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

  private final Map<String, Map<String, Object>> clusters = new TreeMap<>();
  private final Map<String, HealthState> states = new HashMap<>();
  private final Map<String, AgentInventory> inventory = new HashMap<>();
  private final Map<String, Map<String, Double>> metrics = new HashMap<>();
  private final Map<String, Boolean> elected = new HashMap<>();
  private final Deque<Map<String, Object>> transitions = new ArrayDeque<>();
  private final Map<String, CapacityTrend> capacity = new TreeMap<>();
  private final Map<String, Deque<Map<String, Object>>> capacityHistory = new HashMap<>();
  private final Map<String, EndpointHealth> endpoints = new TreeMap<>();
  private Instant lastEventAt;

  // changes since the last drain
  private final Set<String> changedNodes = new LinkedHashSet<>();
  private final Set<String> changedClusters = new LinkedHashSet<>();
  private final List<Map<String, Object>> newTransitions = new ArrayList<>();
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
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", name);
        c.put("state", s.getState().name());
        c.put("since", str(s.getSince()));
        c.put("reasons", reasons(s.getReasons()));
        c.put("evaluatedAt", str(s.getEvaluatedAt()));
        clusters.put(name, c);
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
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("node", t.getNode().getId());
    v.put("role", t.getNode().getRole().name());
    v.put("hostname", t.getNode().getHostname());
    v.put("cluster", t.getNode().getCluster());
    v.put("from", t.getFrom().name());
    v.put("to", t.getTo().name());
    v.put("at", str(t.getAt()));
    v.put("reasons", reasons(t.getReasons()));
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
  public Map<String, Object> fullView() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("clusters", new ArrayList<>(clusters.values()));
    List<Map<String, Object>> nodes = new ArrayList<>();
    for (String id : new java.util.TreeSet<>(states.keySet())) {
      nodes.add(node(id));
    }
    out.put("nodes", nodes);
    out.put("transitions", new ArrayList<>(transitions));
    List<Map<String, Object>> groups = new ArrayList<>();
    capacity.keySet().forEach(g -> groups.add(capacityView(g)));
    out.put("capacity", groups);
    List<Map<String, Object>> eps = new ArrayList<>();
    endpoints.forEach((k, e) -> eps.add(endpointView(k, e)));
    out.put("endpoints", eps);
    out.put("lastEventAt", str(lastEventAt));
    return out;
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
  public Map<String, Object> drainChanges() {
    Map<String, Object> out = new LinkedHashMap<>();
    List<Map<String, Object>> cs = new ArrayList<>();
    List<String> removedClusters = new ArrayList<>();
    for (String name : changedClusters) {
      if (clusters.containsKey(name)) {
        cs.add(clusters.get(name));
      } else {
        removedClusters.add(name);
      }
    }
    List<Map<String, Object>> nodes = new ArrayList<>();
    List<String> removedNodes = new ArrayList<>();
    for (String id : changedNodes) {
      if (states.containsKey(id)) {
        nodes.add(node(id));
      } else {
        removedNodes.add(id);
      }
    }
    List<Map<String, Object>> groups = new ArrayList<>();
    changedCapacity.forEach(g -> groups.add(capacityView(g)));
    List<Map<String, Object>> eps = new ArrayList<>();
    List<String> removedEndpoints = new ArrayList<>();
    for (String key : changedEndpoints) {
      EndpointHealth e = endpoints.get(key);
      if (e == null) {
        removedEndpoints.add(key);
      } else {
        eps.add(endpointView(key, e));
      }
    }
    out.put("clusters", cs);
    out.put("removedClusters", removedClusters);
    out.put("nodes", nodes);
    out.put("removedNodes", removedNodes);
    List<Map<String, Object>> fresh = new ArrayList<>(newTransitions);
    java.util.Collections.reverse(fresh); // newest first, as in the full view
    out.put("transitions", fresh);
    out.put("capacity", groups);
    out.put("endpoints", eps);
    out.put("removedEndpoints", removedEndpoints);
    out.put("lastEventAt", str(lastEventAt));
    changedClusters.clear();
    changedNodes.clear();
    newTransitions.clear();
    changedCapacity.clear();
    changedEndpoints.clear();
    return out;
  }

  /** One node with its kept metrics and the endpoints on it (the detail view); null if unknown. */
  public Map<String, Object> nodeDetail(String id) {
    if (!states.containsKey(id)) {
      return null;
    }
    Map<String, Object> out = node(id);
    out.put("metrics", metrics.getOrDefault(id, Map.of()));
    List<Map<String, Object>> eps = new ArrayList<>();
    endpoints.forEach(
        (k, e) -> {
          if (id.equals(e.getAgentId())) {
            eps.add(endpointView(k, e));
          }
        });
    out.put("endpoints", eps);
    AgentInventory a = inventory.get(id);
    if (a != null) {
      out.put(
          "resources",
          Map.of("total", EventJson.tree(a.getTotal()), "used", EventJson.tree(a.getUsed())));
    }
    return out;
  }

  public Instant lastEventAt() {
    return lastEventAt;
  }

  public int nodeCount() {
    return states.size();
  }

  private Map<String, Object> node(String id) {
    HealthState s = states.get(id);
    NodeRef n = s.getNode();
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("id", id);
    v.put("cluster", n.getCluster());
    v.put("role", n.getRole().name());
    v.put("hostname", n.getHostname());
    v.put("address", n.getAddress());
    v.put("state", s.getState().name());
    v.put("since", str(s.getSince()));
    v.put("reasons", reasons(s.getReasons()));
    v.put("lastSnapshotAt", str(s.getLastSnapshotAt()));
    AgentInventory a = inventory.get(id);
    if (a != null) {
      v.put("attributes", new TreeMap<>(a.getAttributes()));
      v.put("roles", new ArrayList<>(new java.util.TreeSet<>(a.getReservedByRole().keySet())));
      v.put("zone", a.getZone());
      v.put("active", a.getActive());
      v.put("drainState", a.getDrainState());
      if (a.getMaintenanceMode() != null) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mode", a.getMaintenanceMode());
        m.put("start", str(a.getMaintenanceStart()));
        m.put("end", str(a.getMaintenanceEnd()));
        v.put("maintenance", m);
      }
    }
    if (n.getRole() == NodeRole.MASTER) {
      v.put("elected", elected.getOrDefault(id, false));
      v.put("gauges", gauges(metrics.getOrDefault(id, Map.of())));
    }
    return v;
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

  private Map<String, Object> capacityView(String groupId) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("group", groupId);
    v.put("latest", EventJson.tree(capacity.get(groupId)));
    v.put("history", new ArrayList<>(capacityHistory.getOrDefault(groupId, new ArrayDeque<>())));
    return v;
  }

  private static Map<String, Object> endpointView(String key, EndpointHealth e) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("key", key);
    v.put("cluster", e.getCluster());
    v.put("appId", e.getAppId());
    v.put("taskId", e.getTaskId());
    v.put("backend", e.getBackend());
    v.put("host", e.getHost());
    v.put("ip", e.getIp());
    v.put("port", e.getPort());
    v.put("agentId", e.getAgentId());
    v.put("status", e.getStatus().name());
    v.put("reasons", e.getReasons());
    return v;
  }

  private static List<Map<String, Object>> reasons(List<HealthReason> reasons) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (HealthReason r : reasons) {
      out.add(EventJson.tree(r));
    }
    return out;
  }

  private static String str(Instant t) {
    return t == null ? null : t.toString();
  }
}
