package dev.mesoshealth.processor.query;

import dev.mesoshealth.processor.health.ClusterMemory;
import dev.mesoshealth.processor.health.NodeMemory;
import dev.mesoshealth.processor.health.NodeMinute;
import dev.mesoshealth.processor.health.Reason;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** JSON-ready views of what the stores hold, in the shape the REST API documents. */
final class Views {
  private Views() {}

  static Map<String, Object> node(NodeMemory m, int enterAfter, int leaveAfter) {
    Map<String, Object> out = new LinkedHashMap<>();
    Map<String, Object> node = new LinkedHashMap<>();
    node.put("cluster", m.cluster());
    node.put("role", m.role().name());
    node.put("id", m.nodeId());
    node.put("hostname", m.hostname());
    node.put("address", m.address());
    out.put("node", node);
    out.put("state", m.state().name());
    out.put("since", str(m.since()));
    out.put("reasons", reasons(m.reasons()));
    out.put("lastSnapshotAt", str(m.lastSnapshotAt()));
    out.put("evaluatedAt", str(m.evaluatedAt()));
    if (m.pending() != null) {
      boolean worse =
          dev.mesoshealth.processor.health.Severity.rank(m.pending())
              > dev.mesoshealth.processor.health.Severity.rank(m.state());
      out.put(
          "pending",
          Map.of(
              "state",
              m.pending().name(),
              "evaluations",
              m.streak(),
              "needed",
              worse ? enterAfter : leaveAfter));
    }
    if (m.elected() != null) {
      out.put("elected", m.elected());
    }
    if (m.inventory().known()) {
      Map<String, Object> inv = new LinkedHashMap<>();
      inv.put("active", m.inventory().active());
      inv.put("deactivated", m.inventory().deactivated());
      inv.put("drainState", m.inventory().drainState());
      if (m.inventory().recovering()) {
        inv.put("recovering", true);
      }
      if (m.inventory().maintenance() != null) {
        NodeMemory.MaintenanceWindow w = m.inventory().maintenance();
        Map<String, Object> mw = new LinkedHashMap<>();
        mw.put("mode", w.mode());
        mw.put("start", str(w.start()));
        mw.put("end", str(w.end()));
        inv.put("maintenance", mw);
      }
      if (m.inventory().unlisted()) {
        inv.put("unlistedSince", m.inventory().unlistedSince().toString());
      }
      out.put("inventory", inv);
    }
    return out;
  }

  static Map<String, Object> cluster(ClusterMemory m) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("cluster", m.cluster());
    out.put("id", "cluster:" + m.cluster());
    out.put("state", m.state().name());
    out.put("since", str(m.since()));
    out.put("reasons", reasons(m.reasons()));
    out.put("evaluatedAt", str(m.evaluatedAt()));
    List<Map<String, Object>> masters = new ArrayList<>();
    for (Map.Entry<String, ClusterMemory.MasterView> e : new TreeMap<>(m.masters()).entrySet()) {
      Map<String, Object> master = new LinkedHashMap<>();
      master.put("id", e.getKey());
      master.put("hostname", e.getValue().hostname());
      master.put("state", e.getValue().state().name());
      master.put("elected", e.getValue().elected());
      master.put("at", str(e.getValue().at()));
      masters.add(master);
    }
    out.put("masters", masters);
    Map<String, Integer> agents = new TreeMap<>();
    m.agents().forEach((state, n) -> agents.put(state.name(), n));
    out.put("agents", agents);
    Map<String, Object> collectors = new TreeMap<>();
    m.collectors()
        .forEach(
            (id, c) ->
                collectors.put(
                    id,
                    Map.of(
                        "agentsTracked",
                        c.tracked(),
                        "agentsFailing",
                        c.failing(),
                        "at",
                        c.at().toString())));
    out.put("collectors", collectors);
    return out;
  }

  static Map<String, Object> minute(NodeMinute m) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("start", str(m.start()));
    out.put("worst", m.worst().name());
    out.put("last", m.last().name());
    out.put("evaluations", m.evaluations());
    out.put("failedPolls", m.failedPolls());
    out.put("ruleHits", new TreeMap<>(m.ruleHits()));
    out.put("gauges", new TreeMap<>(m.gauges()));
    Map<String, Double> seconds = new TreeMap<>();
    m.millisInState().forEach((s, ms) -> seconds.put(s.name(), ms / 1000.0));
    out.put("secondsInState", seconds);
    return out;
  }

  static List<Map<String, Object>> reasons(List<Reason> reasons) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Reason r : reasons) {
      Map<String, Object> reason = new LinkedHashMap<>();
      reason.put("rule", r.rule());
      reason.put("severity", r.severity().name());
      reason.put("metric", r.metric());
      reason.put("observed", r.observed());
      reason.put("threshold", r.threshold());
      reason.put("message", r.message());
      out.add(reason);
    }
    return out;
  }

  private static String str(Instant t) {
    return t == null ? null : t.toString();
  }
}
