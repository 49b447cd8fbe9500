package dev.mesoshealth.updaters;

import dev.mesoshealth.service.AdminAddress;
import dev.mesoshealth.service.Durations;
import dev.mesoshealth.service.ServiceConfig;
import dev.mesoshealth.service.SharedConfig;
import java.time.Duration;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * What both updaters are configured with alike: how often they reconcile in full, whether they only
 * say what they would do, the cluster they act for, and their admin port.
 *
 * @param cluster empty: every cluster
 */
public record UpdaterSettings(
    Duration reconcileInterval, boolean dryRun, String cluster, AdminAddress admin) {

  /** The settings' keys, after the updater's own. */
  public static ConfigDef define(
      ConfigDef d,
      String reconcileDefault,
      String reconcileDoc,
      String dryRunDoc,
      String clusterWhat,
      int adminPort) {
    d.define(
        SharedConfig.RECONCILE_INTERVAL,
        Type.STRING,
        reconcileDefault,
        Durations.validator(Duration.ofSeconds(1)),
        Importance.MEDIUM,
        reconcileDoc);
    SharedConfig.defineDryRun(d, dryRunDoc);
    SharedConfig.defineClusterFilter(d, clusterWhat);
    return SharedConfig.defineAdmin(d, adminPort);
  }

  public static UpdaterSettings from(ServiceConfig c) {
    return new UpdaterSettings(
        c.getDuration(SharedConfig.RECONCILE_INTERVAL),
        c.getBoolean(SharedConfig.DRY_RUN),
        c.getString(SharedConfig.CLUSTER_NAME),
        SharedConfig.admin(c));
  }
}
