package dev.mesoshealth.updaters.alerts;

import java.time.Duration;

/**
 * What the alert book alerts on, beyond a node or cluster in a bad state.
 *
 * @param onlyCluster the cluster to alert for; empty: every cluster
 * @param stormShare above this share of a cluster's agents down at once, one cluster alert
 * @param endpointsShare an app alerts when at least this share of its endpoints is out of rotation;
 *     0: no app alerts
 * @param flapCount a node alerts as flapping after turning bad this many times within {@code
 *     flapWindow}; 0: never
 * @param flapWindow how far back turns count
 * @param consoleUrl the console, for links; empty: none
 * @param processorUrl the processor's REST API, for links; empty: none
 */
public record AlertPolicy(
    String onlyCluster,
    double stormShare,
    double endpointsShare,
    int flapCount,
    Duration flapWindow,
    String consoleUrl,
    String processorUrl) {

  /** The defaults, for every cluster, without links. */
  public static AlertPolicy defaults() {
    return new AlertPolicy("", 0.5, 0.5, 4, Duration.ofMinutes(30), "", "");
  }

  public AlertPolicy withStormShare(double share) {
    return new AlertPolicy(
        onlyCluster, share, endpointsShare, flapCount, flapWindow, consoleUrl, processorUrl);
  }

  public AlertPolicy withCluster(String cluster) {
    return new AlertPolicy(
        cluster, stormShare, endpointsShare, flapCount, flapWindow, consoleUrl, processorUrl);
  }

  public AlertPolicy withLinks(String console, String processor) {
    return new AlertPolicy(
        onlyCluster, stormShare, endpointsShare, flapCount, flapWindow, console, processor);
  }
}
