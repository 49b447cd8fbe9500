package dev.mesoshealth.processor.health;

import dev.mesoshealth.events.HealthStatus;
import dev.mesoshealth.events.NodeRole;
import dev.mesoshealth.events.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Moves a node's {@link NodeMemory} forward on a snapshot, an inventory change or the wall clock,
 * applying the rules and hysteresis: a node enters a worse state after K consecutive evaluations
 * pointing there and leaves it after M pointing better. Counters become rates from deltas; a
 * counter that goes down is a reset, never a negative rate. Planned states (DRAINING, GONE) and
 * staleness (UNKNOWN) apply at once. Pure.
 */
public final class NodeEvaluation {
  private final HealthRules rules;
  private final RuleConfig config;

  public NodeEvaluation(RuleConfig config) {
    this.config = config;
    this.rules = new HealthRules(config);
  }

  public RuleConfig config() {
    return config;
  }

  /** The memory after an event, and what changed. */
  public record Result(NodeMemory before, NodeMemory after) {
    public boolean stateChanged() {
      return before == null || before.state() != after.state();
    }

    /** State or the set of (rule, severity) changed: worth a new HealthState record. */
    public boolean changed() {
      if (stateChanged()) {
        return true;
      }
      List<Reason> a = before.reasons();
      List<Reason> b = after.reasons();
      if (a.size() != b.size()) {
        return true;
      }
      for (int i = 0; i < a.size(); i++) {
        if (!a.get(i).sameAs(b.get(i))) {
          return true;
        }
      }
      return false;
    }
  }

  public Result onSnapshot(NodeMemory before, Observation o) {
    NodeMemory m =
        before != null
            ? before
            : NodeMemory.fresh(
                o.nodeId(), o.cluster(), o.role(), o.hostname(), o.address(), o.polledAt());
    Map<String, Double> counters = new HashMap<>(m.counters());
    List<NodeMemory.CounterEvent> events = new ArrayList<>();
    Instant horizon = o.polledAt().minus(config.memory());
    for (NodeMemory.CounterEvent e : m.events()) {
      if (e.at().isAfter(horizon)) {
        events.add(e);
      }
    }
    for (String[] tracked : HealthRules.trackedCounters(o.role())) {
      Double now = o.metric(tracked[0]);
      if (now == null) {
        continue;
      }
      Double previous = counters.get(tracked[0]);
      if (previous != null) {
        if (tracked[1].equals(HealthRules.RESTART)) {
          if (now < previous) {
            events.add(new NodeMemory.CounterEvent(o.polledAt(), HealthRules.RESTART, 1));
          }
        } else if (now > previous) {
          events.add(new NodeMemory.CounterEvent(o.polledAt(), tracked[1], now - previous));
        }
        // now < previous: the counter was reset (restart, new leader): no event, never a negative
        // rate
      }
      counters.put(tracked[0], now);
    }
    int failedPolls = o.pollFailed() ? m.failedPolls() + 1 : 0;
    List<Reason> reasons = rules.evaluate(o, events, m.inventory(), failedPolls);
    HealthStatus verdict = Severity.verdict(reasons);
    Boolean elected = o.role() == NodeRole.MASTER ? o.elected() : null;

    // the master marking the agent unreachable confirms our failed polls: no blindness guard
    boolean suspect =
        o.role() == NodeRole.AGENT
            && o.pollFailed()
            && o.collectorFailingShare() > config.collectorSuspectShare()
            && !m.inventory().unlisted();
    boolean weak =
        o.outcome() == Outcome.PARTIAL
            && verdict == HealthStatus.HEALTHY
            && Severity.rank(m.state()) > 0;

    NodeMemory base =
        new NodeMemory(
            m.nodeId(),
            o.cluster(),
            o.role(),
            o.hostname(),
            o.address(),
            m.state(),
            m.since(),
            reasons,
            m.pending(),
            m.streak(),
            failedPolls,
            o.polledAt(),
            o.polledAt(),
            elected,
            counters,
            events,
            m.inventory(),
            m.minute());
    if (m.state() == HealthStatus.GONE) {
      return new Result(
          before, withState(base, HealthStatus.GONE, m.since(), m.reasons(), null, 0));
    }
    if (m.inventory().unlisted()
        && m.inventory().leftAnswering()
        && o.pollFailed()
        && !m.inventory().draining()) {
      return new Result(before, left(base, o.polledAt()));
    }
    if (m.inventory().draining()) {
      // why it is planned stays the first reason; what its snapshots say follows
      List<Reason> planned = new ArrayList<>(reasons);
      planned.add(0, planned(m.inventory()));
      return new Result(
          before,
          withState(
              base,
              HealthStatus.DRAINING,
              m.state() == HealthStatus.DRAINING ? m.since() : o.polledAt(),
              planned,
              null,
              0));
    }
    if (suspect) {
      List<Reason> held = new ArrayList<>(m.reasons());
      held.removeIf(r -> r.rule().equals("collector.suspect"));
      held.add(
          Reason.of(
              "collector.suspect",
              HealthStatus.HEALTHY,
              String.format(
                  java.util.Locale.ROOT,
                  "Poll failed, but collector %s cannot reach %d of its %d agents; not counted against this agent",
                  o.collectorId(),
                  o.agentsFailing(),
                  o.agentsTracked())));
      return new Result(
          before, withState(base, m.state(), m.since(), held, m.pending(), m.streak()));
    }
    if (weak) {
      return new Result(
          before, withState(base, m.state(), m.since(), reasons, m.pending(), m.streak()));
    }
    return new Result(before, hysteresis(base, verdict, o.polledAt()));
  }

  private NodeMemory hysteresis(NodeMemory m, HealthStatus verdict, Instant at) {
    Hysteresis.Step step =
        Hysteresis.step(
            new Hysteresis.Step(m.state(), m.since(), m.pending(), m.streak()),
            verdict,
            at,
            config.enterAfter(),
            config.leaveAfter());
    return withState(m, step.state(), step.since(), m.reasons(), step.pending(), step.streak());
  }

  /** The inventory listed the agent (or, with null, no longer lists it). */
  public Result onInventory(NodeMemory before, InventoryUpdate update) {
    NodeMemory m =
        before != null
            ? before
            : NodeMemory.fresh(
                update.agentId(),
                update.cluster(),
                NodeRole.AGENT,
                update.hostname(),
                update.address(),
                update.at());
    if (update.gone()) {
      NodeMemory.InventoryView inv =
          new NodeMemory.InventoryView(
              true, false, false, null, true, update.at(), false, null, false, null);
      NodeMemory after = with(m, inv);
      if (m.state() == HealthStatus.GONE) {
        return new Result(before, after);
      }
      return new Result(
          before,
          withState(
              after,
              HealthStatus.GONE,
              update.at(),
              List.of(
                  Reason.of(
                      "agent.gone", HealthStatus.GONE, "The agent left the cluster's inventory")),
              null,
              0));
    }
    boolean newlyUnlisted = update.unlistedSince() != null && !m.inventory().unlisted();
    // decided once, when the master stops listing it: was it still answering us then?
    boolean leftAnswering =
        newlyUnlisted
            ? m.failedPolls() < config.enterAfter()
            : update.unlistedSince() != null && m.inventory().leftAnswering();
    NodeMemory.InventoryView inv =
        new NodeMemory.InventoryView(
            true,
            update.active(),
            update.deactivated(),
            update.drainState(),
            false,
            null,
            update.recovering(),
            update.unlistedSince(),
            leftAnswering,
            update.maintenance());
    NodeMemory after = with(m, inv);
    if (newlyUnlisted
        && leftAnswering
        && m.failedPolls() > 0
        && m.state() != HealthStatus.GONE
        && !inv.draining()) {
      return new Result(before, left(after, update.at()));
    }
    if (inv.draining()) {
      Reason planned = planned(inv);
      boolean said =
          m.reasons().stream()
              .anyMatch(r -> r.sameAs(planned) && r.message().equals(planned.message()));
      if (m.state() != HealthStatus.DRAINING || !said) {
        List<Reason> reasons = new ArrayList<>(m.reasons());
        reasons.removeIf(r -> PLANNED.contains(r.rule()));
        reasons.add(0, planned);
        Instant since = m.state() == HealthStatus.DRAINING ? m.since() : update.at();
        return new Result(before, withState(after, HealthStatus.DRAINING, since, reasons, null, 0));
      }
    }
    // listed again (an agent that left and still unlisted stays GONE, round after round)
    if (!inv.draining()
        && (m.state() == HealthStatus.DRAINING
            || (m.state() == HealthStatus.GONE && !inv.unlisted()))) {
      List<Reason> reasons = new ArrayList<>(m.reasons());
      reasons.removeIf(r -> PLANNED.contains(r.rule()) || r.rule().equals("agent.gone"));
      // judged afresh by its next poll unless its last one answered (a machine back from a DOWN
      // window failed every poll while it was away: that is no verdict)
      HealthStatus back =
          m.state() == HealthStatus.GONE || m.failedPolls() > 0
              ? HealthStatus.UNKNOWN
              : Severity.verdict(reasons);
      if (back == HealthStatus.UNKNOWN) {
        reasons.removeIf(r -> r.rule().equals("poll.failed"));
      }
      return new Result(before, withState(after, back, update.at(), reasons, null, 0));
    }
    return new Result(before, after);
  }

  /**
   * The master stopped listing the agent while it answered us, and now it does not answer: it shut
   * down and left the cluster (planned), not a fault.
   */
  private static NodeMemory left(NodeMemory m, Instant at) {
    return withState(
        m,
        HealthStatus.GONE,
        at,
        List.of(
            Reason.of(
                "agent.gone",
                HealthStatus.GONE,
                "The agent left the cluster: the master stopped listing it, then it stopped"
                    + " answering")),
        null,
        0);
  }

  private static final java.util.Set<String> PLANNED =
      java.util.Set.of("agent.draining", "agent.maintenance");

  /** Why a planned agent is DRAINING: its maintenance window, or an operator's drain. */
  private static Reason planned(NodeMemory.InventoryView inv) {
    NodeMemory.MaintenanceWindow w = inv.maintenance();
    if (w != null) {
      String window = w.start() + (w.end() == null ? "" : " to " + w.end());
      String message =
          "DOWN".equals(w.mode())
              ? "Its machine is DOWN for maintenance (window " + window + "): expected, not a fault"
              : "Its machine is scheduled for maintenance (window "
                  + window
                  + "): draining before it starts";
      return Reason.of("agent.maintenance", HealthStatus.DRAINING, message);
    }
    String how = inv.drainState() != null ? "draining (" + inv.drainState() + ")" : "deactivated";
    return Reason.of(
        "agent.draining",
        HealthStatus.DRAINING,
        "The agent is " + how + " by an operator: planned, not a fault");
  }

  /** Wall-clock check: a node without snapshots for too long is UNKNOWN. */
  public Result onClock(NodeMemory m, Instant now) {
    HealthStatus s = m.state();
    if (s == HealthStatus.UNKNOWN || s == HealthStatus.GONE || m.lastSnapshotAt() == null) {
      return new Result(m, m);
    }
    Duration silent = Duration.between(m.lastSnapshotAt(), now);
    if (silent.compareTo(config.staleAfter()) <= 0) {
      return new Result(m, m);
    }
    Reason stale =
        new Reason(
            "node.stale",
            HealthStatus.UNKNOWN,
            null,
            (double) silent.toSeconds(),
            (double) config.staleAfter().toSeconds(),
            "No snapshot for "
                + silent.toSeconds()
                + " s (limit "
                + config.staleAfter().toSeconds()
                + " s): the collector may be down");
    return new Result(m, withState(m, HealthStatus.UNKNOWN, now, List.of(stale), null, 0));
  }

  /** A GONE node whose retention is over can be forgotten. */
  public boolean expired(NodeMemory m, Instant now) {
    return m.state() == HealthStatus.GONE
        && m.inventory().goneAt() != null
        && Duration.between(m.inventory().goneAt(), now).compareTo(config.goneRetention()) > 0;
  }

  /** An agent's entry in /master/slaves, or its removal. */
  public record InventoryUpdate(
      String agentId,
      String cluster,
      String hostname,
      String address,
      boolean active,
      boolean deactivated,
      String drainState,
      boolean recovering,
      Instant unlistedSince,
      NodeMemory.MaintenanceWindow maintenance,
      boolean gone,
      Instant at) {}

  private static NodeMemory withState(
      NodeMemory m,
      HealthStatus state,
      Instant since,
      List<Reason> reasons,
      HealthStatus pending,
      int streak) {
    return new NodeMemory(
        m.nodeId(),
        m.cluster(),
        m.role(),
        m.hostname(),
        m.address(),
        state,
        since,
        reasons,
        pending,
        streak,
        m.failedPolls(),
        m.lastSnapshotAt(),
        m.evaluatedAt(),
        m.elected(),
        m.counters(),
        m.events(),
        m.inventory(),
        m.minute());
  }

  private static NodeMemory with(NodeMemory m, NodeMemory.InventoryView inventory) {
    if (inventory.equals(m.inventory())) {
      return m; // the same as last round, as most are: nothing to write
    }
    return new NodeMemory(
        m.nodeId(),
        m.cluster(),
        m.role(),
        m.hostname(),
        m.address(),
        m.state(),
        m.since(),
        m.reasons(),
        m.pending(),
        m.streak(),
        m.failedPolls(),
        m.lastSnapshotAt(),
        m.evaluatedAt(),
        m.elected(),
        m.counters(),
        m.events(),
        inventory,
        m.minute());
  }
}
