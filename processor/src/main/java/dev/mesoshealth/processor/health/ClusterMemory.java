package dev.mesoshealth.processor.health;

import dev.mesoshealth.events.HealthStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the processor remembers about one cluster: its state and why, the hysteresis in progress,
 * each master's latest state, agents counted by state, each collector's reach, which masters have
 * reported in the current poll round, whether a full round has shown which masters there are, and
 * how many masters the collector says it polls (0: not said).
 */
public record ClusterMemory(
    String cluster,
    HealthStatus state,
    Instant since,
    List<Reason> reasons,
    HealthStatus pending,
    int streak,
    Map<String, MasterView> masters,
    Map<HealthStatus, Integer> agents,
    Map<String, CollectorView> collectors,
    java.util.Set<String> round,
    boolean mastersKnown,
    int mastersExpected,
    Instant evaluatedAt) {

  public ClusterMemory {
    reasons = reasons == null ? List.of() : List.copyOf(reasons);
    masters = masters == null ? Map.of() : Map.copyOf(masters);
    agents = agents == null ? Map.of() : Map.copyOf(agents);
    collectors = collectors == null ? Map.of() : Map.copyOf(collectors);
    round = round == null ? java.util.Set.of() : java.util.Set.copyOf(round);
  }

  public static ClusterMemory fresh(String cluster, Instant at) {
    return new ClusterMemory(
        cluster,
        HealthStatus.UNKNOWN,
        at,
        List.of(),
        null,
        0,
        Map.of(),
        Map.of(),
        Map.of(),
        java.util.Set.of(),
        false,
        0,
        at);
  }

  /** A master's latest state, as its own evaluation decided it. */
  public record MasterView(
      String hostname, HealthStatus state, Boolean elected, Instant at, List<Reason> reasons) {
    public MasterView {
      reasons = reasons == null ? List.of() : List.copyOf(reasons);
    }
  }

  /** How many agents a collector polls and how many of its latest polls failed. */
  public record CollectorView(int tracked, int failing, Instant at) {}

  ClusterMemory withMasters(Map<String, MasterView> masters, java.util.Set<String> round) {
    return withMasters(masters, round, mastersKnown, mastersExpected);
  }

  ClusterMemory withRound(java.util.Set<String> round, boolean known, int expected) {
    return withMasters(masters, round, known, expected);
  }

  /** The same memory with the masters' part replaced: who, this round, and how many to expect. */
  private ClusterMemory withMasters(
      Map<String, MasterView> masters, java.util.Set<String> round, boolean known, int expected) {
    return new ClusterMemory(
        cluster,
        state,
        since,
        reasons,
        pending,
        streak,
        masters,
        agents,
        collectors,
        round,
        known,
        expected,
        evaluatedAt);
  }

  public int agentCount() {
    return agents.values().stream().mapToInt(Integer::intValue).sum();
  }
}
