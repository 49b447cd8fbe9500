package dev.mesoshealth.processor.health;

import java.time.Duration;

/**
 * Every threshold of the health model.
 *
 * @param enterAfter consecutive bad evaluations before a node enters a worse state (K)
 * @param leaveAfter consecutive better evaluations before it leaves it (M)
 * @param staleAfter a node without a snapshot this long is UNKNOWN
 * @param leader thresholds on the leading master's cluster-wide figures
 * @param masterLoadPerCpu load average (5 min) per CPU on a master's host that is DEGRADED
 * @param executorsTerminatingMax executors terminating at once that make an agent DEGRADED
 */
public record RuleConfig(
    Duration pollInterval,
    int enterAfter,
    int leaveAfter,
    Duration staleAfter,
    Duration taskFailureWindow,
    int taskFailureThreshold,
    double loadPerCpu,
    double minFreeMemory,
    double registrarP99Ms,
    double eventQueueMax,
    int flappingRestarts,
    Duration flappingWindow,
    double clusterDegradedShare,
    double clusterUnhealthyShare,
    double collectorSuspectShare,
    Duration goneRetention,
    Leader leader,
    double masterLoadPerCpu,
    int executorsTerminatingMax) {

  /**
   * The leader's cluster-wide figures.
   *
   * @param taskWindow window over which task outcomes are counted
   * @param taskFailureShare share of the tasks that ended in the window that failed, were lost or
   *     were in error, at which the cluster has a task storm
   * @param taskFailuresMin at least this many such tasks for a storm (a quiet cluster's one failure
   *     is not one)
   * @param offersPerAgent outstanding offers per active agent above which frameworks hoard them
   * @param agentsDisconnectedShare share of registered agents disconnected that is DEGRADED
   * @param registryMaxBytes registry size above which failovers and writes slow down
   */
  public record Leader(
      Duration taskWindow,
      double taskFailureShare,
      int taskFailuresMin,
      double offersPerAgent,
      double agentsDisconnectedShare,
      double registryMaxBytes) {
    public static final Leader DEFAULTS =
        new Leader(Duration.ofMinutes(5), 0.2, 20, 1.0, 0.1, 100.0 * 1024 * 1024);
  }

  public RuleConfig {
    if (enterAfter < 1 || leaveAfter <= enterAfter) {
      throw new IllegalArgumentException(
          "need 1 <= K < M, got K=" + enterAfter + " M=" + leaveAfter);
    }
  }

  public static RuleConfig defaults() {
    return new RuleConfig(
        Duration.ofSeconds(10),
        2,
        3,
        Duration.ofSeconds(30),
        Duration.ofMinutes(5),
        5,
        2.0,
        0.05,
        1000,
        1000,
        2,
        Duration.ofMinutes(10),
        0.10,
        0.30,
        0.20,
        Duration.ofHours(1),
        Leader.DEFAULTS,
        2.0,
        5);
  }

  public RuleConfig withPollInterval(Duration interval, int staleIntervals) {
    return new RuleConfig(
        interval,
        enterAfter,
        leaveAfter,
        interval.multipliedBy(staleIntervals),
        taskFailureWindow,
        taskFailureThreshold,
        loadPerCpu,
        minFreeMemory,
        registrarP99Ms,
        eventQueueMax,
        flappingRestarts,
        flappingWindow,
        clusterDegradedShare,
        clusterUnhealthyShare,
        collectorSuspectShare,
        goneRetention,
        leader,
        masterLoadPerCpu,
        executorsTerminatingMax);
  }

  /** How long counter events are kept for the rate rules. */
  Duration memory() {
    Duration longest =
        taskFailureWindow.compareTo(flappingWindow) > 0 ? taskFailureWindow : flappingWindow;
    return leader.taskWindow().compareTo(longest) > 0 ? leader.taskWindow() : longest;
  }
}
