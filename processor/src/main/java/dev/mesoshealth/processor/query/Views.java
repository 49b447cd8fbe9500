package dev.mesoshealth.processor.query;

import dev.mesoshealth.processor.health.ClusterMemory;
import dev.mesoshealth.processor.health.NodeMemory;
import dev.mesoshealth.processor.health.NodeMinute;
import dev.mesoshealth.processor.health.Reason;
import dev.mesoshealth.processor.health.Severity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What the stores hold, as the REST API's {@link Answers}. */
final class Views {
  private Views() {}

  static Answers.NodeHealth node(NodeMemory m, int enterAfter, int leaveAfter) {
    Answers.Pending pending = null;
    if (m.pending() != null) {
      boolean worse = Severity.rank(m.pending()) > Severity.rank(m.state());
      pending =
          new Answers.Pending(m.pending().name(), m.streak(), worse ? enterAfter : leaveAfter);
    }
    return new Answers.NodeHealth(
        new Answers.NodeRef(m.cluster(), m.role().name(), m.nodeId(), m.hostname(), m.address()),
        m.state().name(),
        str(m.since()),
        reasons(m.reasons()),
        str(m.lastSnapshotAt()),
        str(m.evaluatedAt()),
        pending,
        m.elected(),
        m.inventory().known() ? inventory(m.inventory()) : null);
  }

  private static Answers.Inventory inventory(NodeMemory.InventoryView inv) {
    NodeMemory.MaintenanceWindow w = inv.maintenance();
    return new Answers.Inventory(
        inv.active(),
        inv.deactivated(),
        inv.drainState(),
        inv.recovering() ? Boolean.TRUE : null,
        w == null ? null : new Answers.Maintenance(w.mode(), str(w.start()), str(w.end())),
        inv.unlisted() ? inv.unlistedSince().toString() : null);
  }

  static Answers.ClusterHealth cluster(ClusterMemory m) {
    List<Answers.MasterView> masters = new ArrayList<>();
    new TreeMap<>(m.masters())
        .forEach(
            (id, v) ->
                masters.add(
                    new Answers.MasterView(
                        id, v.hostname(), v.state().name(), v.elected(), str(v.at()))));
    Map<String, Integer> agents = new TreeMap<>();
    m.agents().forEach((state, n) -> agents.put(state.name(), n));
    Map<String, Answers.CollectorView> collectors = new TreeMap<>();
    m.collectors()
        .forEach(
            (id, c) ->
                collectors.put(
                    id, new Answers.CollectorView(c.tracked(), c.failing(), c.at().toString())));
    return new Answers.ClusterHealth(
        m.cluster(),
        "cluster:" + m.cluster(),
        m.state().name(),
        str(m.since()),
        reasons(m.reasons()),
        str(m.evaluatedAt()),
        masters,
        agents,
        collectors);
  }

  static Answers.Minute minute(NodeMinute m) {
    Map<String, Double> seconds = new TreeMap<>();
    m.millisInState().forEach((s, ms) -> seconds.put(s.name(), ms / 1000.0));
    return new Answers.Minute(
        str(m.start()),
        m.worst().name(),
        m.last().name(),
        m.evaluations(),
        m.failedPolls(),
        new TreeMap<>(m.ruleHits()),
        new TreeMap<>(m.gauges()),
        seconds);
  }

  static List<Answers.Reason> reasons(List<Reason> reasons) {
    List<Answers.Reason> out = new ArrayList<>();
    for (Reason r : reasons) {
      out.add(
          new Answers.Reason(
              r.rule(), r.severity().name(), r.metric(), r.observed(), r.threshold(), r.message()));
    }
    return out;
  }

  static String str(Instant t) {
    return t == null ? null : t.toString();
  }
}
