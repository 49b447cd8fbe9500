package dev.mesoshealth.updaters;

import dev.mesoshealth.events.HealthReason;
import dev.mesoshealth.events.HealthState;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;

/**
 * Whether the health data can be acted on: not while a cluster's health is in doubt because its
 * collector is suspect (most of its agents failing at once looks like the collector's own trouble,
 * and draining every server on that evidence would cause the outage it fears). Fed the cluster
 * states ({@code cluster:<name>} keys of mesos.health.states).
 */
public final class ClusterGuard {
  public static final String COLLECTOR_SUSPECT = "cluster.collector-suspect";

  private final String onlyCluster;
  private final Logger log;
  private final Set<String> suspect = new TreeSet<>();

  /**
   * @param onlyCluster the cluster this updater acts for, or empty for all
   */
  public ClusterGuard(String onlyCluster, Logger log) {
    this.onlyCluster = onlyCluster;
    this.log = log;
  }

  /** Takes a health state record; ignores node states. */
  public synchronized void accept(String key, HealthState state) {
    if (!key.startsWith("cluster:")) {
      return;
    }
    String cluster = key.substring("cluster:".length());
    if (!onlyCluster.isEmpty() && !onlyCluster.equals(cluster)) {
      return;
    }
    boolean isSuspect =
        state != null
            && state.getReasons().stream()
                .map(HealthReason::getRule)
                .anyMatch(COLLECTOR_SUSPECT::equals);
    if (isSuspect && suspect.add(cluster)) {
      log.warn(
          "cluster {}: the collector is suspect; changing nothing until its health is clear",
          cluster);
    } else if (!isSuspect && suspect.remove(cluster)) {
      log.info("cluster {}: health is clear again; acting on it", cluster);
    }
  }

  public synchronized boolean frozen() {
    return !suspect.isEmpty();
  }
}
