package dev.mesoshealth.processor.health;

import java.time.Duration;

/**
 * Every threshold of the health model.
 *
 * @param enterAfter consecutive bad evaluations before a node enters a worse state (K)
 * @param leaveAfter consecutive better evaluations before it leaves it (M)
 * @param staleAfter a node without a snapshot this long is UNKNOWN
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
    Duration goneRetention) {

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
        Duration.ofHours(1));
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
        goneRetention);
  }

  /** How long counter events are kept for the rate rules. */
  Duration memory() {
    return taskFailureWindow.compareTo(flappingWindow) > 0 ? taskFailureWindow : flappingWindow;
  }
}
