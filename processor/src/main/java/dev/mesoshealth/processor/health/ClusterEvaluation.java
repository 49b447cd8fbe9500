package dev.mesoshealth.processor.health;

import dev.mesoshealth.events.HealthStatus;
import dev.mesoshealth.events.NodeRole;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The CLUSTER node: the masters' quorum (no leader, two leaders, masters down), the leader's own
 * reasons, the share of agents UNHEALTHY or UNREACHABLE, and the collector blindness guard.
 * Evaluated once per poll round (when every known master has reported, or one reports again), so K
 * and M count rounds, as they count polls for a node. Pure.
 */
public final class ClusterEvaluation {
  private final RuleConfig config;

  public ClusterEvaluation(RuleConfig config) {
    this.config = config;
  }

  public RuleConfig config() {
    return config;
  }

  /** The memory before and after, and the member state to store (null: forget the member). */
  public record Result(ClusterMemory before, ClusterMemory after, HealthStatus memberState) {
    public boolean stateChanged() {
      return before == null
          ? after.state() != HealthStatus.UNKNOWN
          : before.state() != after.state();
    }

    public boolean changed() {
      if (stateChanged()) {
        return true;
      }
      if (before == null) {
        return !after.reasons().isEmpty();
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

  /**
   * @param previousMemberState the node's state as last counted, or null for a new member
   */
  public Result onSignal(ClusterMemory before, ClusterSignal s, HealthStatus previousMemberState) {
    ClusterMemory m = before != null ? before : ClusterMemory.fresh(s.cluster(), s.at());
    if (s.masterPoll() && s.mastersTracked() > 0 && s.mastersTracked() != m.mastersExpected()) {
      m = m.withRound(m.round(), m.mastersKnown(), s.mastersTracked());
    }
    Set<String> round = new HashSet<>(m.round());
    boolean known = m.mastersKnown();
    if (s.masterPoll() && round.contains(s.nodeId())) {
      // a master polled again before the round filled up: the round is over as it stands
      // (the first time, this is how the set of masters becomes known)
      known = true;
      m = evaluate(m, s.at(), Set.of(), true);
      round.clear();
    }
    Map<String, ClusterMemory.CollectorView> collectors = new HashMap<>(m.collectors());
    if (s.collectorId() != null) {
      collectors.put(
          s.collectorId(),
          new ClusterMemory.CollectorView(s.agentsTracked(), s.agentsFailing(), s.at()));
      // one silent for the stale time is gone (stopped, replaced, its agents moved to others in
      // its group): forgotten, or every collector that ever ran would stay here
      Instant horizon = s.at().minus(config.staleAfter());
      collectors.values().removeIf(v -> v.at().isBefore(horizon));
    }
    Map<String, ClusterMemory.MasterView> masters = new HashMap<>(m.masters());
    Map<HealthStatus, Integer> agents = new EnumMap<>(HealthStatus.class);
    agents.putAll(m.agents());
    HealthStatus member = s.state();
    if (s.role() == NodeRole.MASTER) {
      masters.put(
          s.nodeId(),
          new ClusterMemory.MasterView(s.hostname(), s.state(), s.elected(), s.at(), s.reasons()));
    } else if (s.role() == NodeRole.AGENT) {
      if (previousMemberState != null) {
        agents.merge(previousMemberState, -1, Integer::sum);
        agents.values().removeIf(n -> n <= 0);
      }
      if (s.state() == HealthStatus.GONE) {
        member = null;
      } else {
        agents.merge(s.state(), 1, Integer::sum);
      }
    }
    if (s.masterPoll()) {
      round.add(s.nodeId());
    }
    ClusterMemory updated =
        new ClusterMemory(
            m.cluster(),
            m.state(),
            m.since(),
            m.reasons(),
            m.pending(),
            m.streak(),
            masters,
            agents,
            collectors,
            round,
            known,
            m.mastersExpected(),
            m.evaluatedAt());
    if (s.masterPoll() && known && round.containsAll(masters.keySet())) {
      updated = evaluate(updated, s.at(), Set.of(), true);
    }
    return new Result(before, updated, member);
  }

  /** One round's evaluation: the rules, then hysteresis counting rounds. */
  private ClusterMemory evaluate(
      ClusterMemory m, Instant at, Set<String> nextRound, boolean known) {
    m = withoutForgottenMasters(m, at);
    if (m.masters().size() < m.mastersExpected()) {
      // not a fresh view of every master the collector polls (the first round, or one master's
      // snapshots lagging on another partition after a restart): judging now would call the
      // missing ones down, or a missing leader no leader. Wait for the picture to be whole.
      return m.withRound(nextRound, known, m.mastersExpected());
    }
    List<Reason> reasons = reasons(m, at);
    Hysteresis.Step step =
        Hysteresis.step(
            new Hysteresis.Step(m.state(), m.since(), m.pending(), m.streak()),
            Severity.verdict(reasons),
            at,
            config.enterAfter(),
            config.leaveAfter());
    return new ClusterMemory(
        m.cluster(),
        step.state(),
        step.since(),
        reasons,
        step.pending(),
        step.streak(),
        m.masters(),
        m.agents(),
        m.collectors(),
        nextRound,
        known,
        m.mastersExpected(),
        at);
  }

  /**
   * The collector polls every master it knows every interval, and a failed poll is reported too; a
   * master silent for the stale time while another is heard (evaluations come from master polls) is
   * one the collector no longer polls: replaced, or gone from its list or from ZooKeeper. It is no
   * longer one of the cluster's masters, or "3 of 6 masters unreachable" would last for good.
   */
  private ClusterMemory withoutForgottenMasters(ClusterMemory m, Instant at) {
    Instant horizon = at.minus(config.staleAfter());
    if (m.masters().values().stream().noneMatch(v -> v.at().isBefore(horizon))) {
      return m;
    }
    Map<String, ClusterMemory.MasterView> heard = new HashMap<>(m.masters());
    heard.values().removeIf(v -> v.at().isBefore(horizon));
    Set<String> round = new HashSet<>(m.round());
    round.retainAll(heard.keySet());
    return m.withMasters(heard, round);
  }

  /** Wall-clock check: no master heard from for too long makes the cluster UNKNOWN. */
  public Result onClock(ClusterMemory m, Instant now) {
    if (m.state() == HealthStatus.UNKNOWN || m.masters().isEmpty()) {
      return new Result(m, m, null);
    }
    Instant latest =
        m.masters().values().stream()
            .map(ClusterMemory.MasterView::at)
            .max(Instant::compareTo)
            .orElse(m.evaluatedAt());
    Duration silent = Duration.between(latest, now);
    if (silent.compareTo(config.staleAfter()) <= 0) {
      return new Result(m, m, null);
    }
    Reason stale =
        new Reason(
            "cluster.stale",
            HealthStatus.UNKNOWN,
            null,
            (double) silent.toSeconds(),
            (double) config.staleAfter().toSeconds(),
            "No master snapshot for " + silent.toSeconds() + " s: the collector may be down");
    ClusterMemory after =
        new ClusterMemory(
            m.cluster(),
            HealthStatus.UNKNOWN,
            now,
            List.of(stale),
            null,
            0,
            m.masters(),
            m.agents(),
            m.collectors(),
            java.util.Set.of(),
            m.mastersKnown(),
            m.mastersExpected(),
            now);
    return new Result(m, after, null);
  }

  List<Reason> reasons(ClusterMemory m, Instant now) {
    List<Reason> reasons = new ArrayList<>();
    int n = m.masters().size();
    int down = 0;
    List<String> elected = new ArrayList<>();
    ClusterMemory.MasterView leader = null;
    for (ClusterMemory.MasterView master : new TreeMap<>(m.masters()).values()) {
      boolean fresh = Duration.between(master.at(), now).compareTo(config.staleAfter()) <= 0;
      // UNKNOWN with an answer (elected is read from it) is a master whose first verdicts are
      // still being confirmed, as at every start: it answered, so it is up, and may be the leader
      boolean reachable =
          fresh
              && master.state() != HealthStatus.UNREACHABLE
              && (master.state() != HealthStatus.UNKNOWN || master.elected() != null);
      if (!reachable) {
        down++;
      } else if (Boolean.TRUE.equals(master.elected())) {
        elected.add(master.hostname());
        leader = master;
      }
    }
    if (down * 2 > n) {
      reasons.add(
          new Reason(
              "cluster.masters-down",
              HealthStatus.UNHEALTHY,
              null,
              (double) down,
              (double) n / 2,
              down + " of " + n + " masters unreachable: quorum lost"));
    } else if (down > 0) {
      reasons.add(
          new Reason(
              "cluster.masters-down",
              HealthStatus.DEGRADED,
              null,
              (double) down,
              0.0,
              down + " of " + n + " masters unreachable"));
    }
    if (down < n) {
      if (elected.isEmpty()) {
        reasons.add(
            new Reason(
                "cluster.no-leader",
                HealthStatus.UNHEALTHY,
                "mesos.stats.elected",
                0.0,
                1.0,
                "No master is elected"));
      } else if (elected.size() > 1) {
        reasons.add(
            new Reason(
                "cluster.two-leaders",
                HealthStatus.UNHEALTHY,
                "mesos.stats.elected",
                (double) elected.size(),
                1.0,
                elected.size() + " masters claim leadership: " + String.join(", ", elected)));
      } else if (leader != null) {
        for (Reason r : leader.reasons()) {
          reasons.add(
              new Reason(
                  r.rule(),
                  r.severity(),
                  r.metric(),
                  r.observed(),
                  r.threshold(),
                  "Leader " + leader.hostname() + ": " + r.message()));
        }
      }
    }
    int considered = 0;
    int bad = 0;
    for (Map.Entry<HealthStatus, Integer> e : m.agents().entrySet()) {
      HealthStatus s = e.getKey();
      if (s == HealthStatus.GONE || s == HealthStatus.DRAINING) {
        continue;
      }
      considered += e.getValue();
      if (s == HealthStatus.UNHEALTHY || s == HealthStatus.UNREACHABLE) {
        bad += e.getValue();
      }
    }
    if (considered > 0 && bad > 0) {
      double share = (double) bad / considered;
      HealthStatus severity =
          share >= config.clusterUnhealthyShare()
              ? HealthStatus.UNHEALTHY
              : share >= config.clusterDegradedShare()
                  ? HealthStatus.DEGRADED
                  : HealthStatus.HEALTHY;
      double threshold =
          severity == HealthStatus.UNHEALTHY
              ? config.clusterUnhealthyShare()
              : config.clusterDegradedShare();
      reasons.add(
          new Reason(
              "cluster.agents-down",
              severity,
              null,
              share,
              threshold,
              String.format(
                  Locale.ROOT,
                  "%d of %d agents (%.0f%%) UNHEALTHY or UNREACHABLE",
                  bad,
                  considered,
                  100 * share)));
    }
    for (Map.Entry<String, ClusterMemory.CollectorView> e :
        new TreeMap<>(m.collectors()).entrySet()) {
      ClusterMemory.CollectorView c = e.getValue();
      boolean fresh = Duration.between(c.at(), now).compareTo(config.staleAfter()) <= 0;
      if (fresh
          && c.tracked() > 0
          && (double) c.failing() / c.tracked() > config.collectorSuspectShare()) {
        reasons.add(
            new Reason(
                "cluster.collector-suspect",
                HealthStatus.DEGRADED,
                null,
                (double) c.failing() / c.tracked(),
                config.collectorSuspectShare(),
                String.format(
                    Locale.ROOT,
                    "Collector %s cannot reach %d of its %d agents; they are not marked UNREACHABLE until its network is checked",
                    e.getKey(),
                    c.failing(),
                    c.tracked())));
      }
    }
    return reasons;
  }
}
