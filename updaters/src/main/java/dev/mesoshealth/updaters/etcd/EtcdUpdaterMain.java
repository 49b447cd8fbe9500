package dev.mesoshealth.updaters.etcd;

import dev.mesoshealth.schemas.topics.TopicFollower;
import dev.mesoshealth.schemas.topics.Topics;
import dev.mesoshealth.service.AdminServer;
import dev.mesoshealth.service.Durations;
import dev.mesoshealth.service.HttpApi;
import dev.mesoshealth.updaters.ReconcileLoop;
import dev.mesoshealth.updaters.UpdaterRun;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The etcd updater service: follows mesos.health.states and mesos.endpoints.health into an {@link
 * EtcdUpdater}, which a {@link ReconcileLoop} brings to etcd once caught up (in full), then on each
 * change, every reconcile interval, and whenever the lease had to be renewed. etcd being away is
 * retried with backoff and logged once per outage. /metrics and /health on the admin port.
 */
public final class EtcdUpdaterMain implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EtcdUpdaterMain.class);

  private final UpdaterRun run;

  private EtcdUpdaterMain(UpdaterRun run) {
    this.run = run;
  }

  public static EtcdUpdaterMain start(EtcdUpdaterConfig config) {
    Clock clock = Clock.systemUTC();
    PrometheusRegistry registry = new PrometheusRegistry();
    JvmMetrics.builder().register(registry);
    ReconcileLoop loop =
        new ReconcileLoop("etcd-updater", config.updater().reconcileInterval(), clock, log);
    RecordStore etcd =
        new EtcdRecordStore(
            "etcd " + config.endpoints(),
            EtcdRecordStore.client(config),
            config.leaseTtl(),
            config.timeout(),
            loop::changed);
    RecordStore store = config.updater().dryRun() ? new DryRunRecordStore(etcd) : etcd;
    EtcdUpdater updater =
        new EtcdUpdater(config.prefix(), config.updater().cluster(), store, registry);
    TopicFollower follower =
        loop.feed(
            "etcd-updater-feed",
            config.kafka(),
            List.of(Topics.HEALTH_STATES, Topics.ENDPOINT_HEALTH),
            updater::accept);
    AdminServer admin;
    try {
      admin =
          AdminServer.start(
              config.updater().admin().host(),
              config.updater().admin().port(),
              new HttpApi(),
              null,
              loop::allInStep,
              registry,
              2);
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
    follower.start();
    loop.start(List.of(updater), follower::caughtUp);
    log.info(
        "etcd-updater{} keeping {} in step with health (lease TTL {}); metrics at {}/metrics",
        config.updater().dryRun() ? " (dry run)" : "",
        config.prefix(),
        Durations.format(config.leaseTtl()),
        admin.url());
    return new EtcdUpdaterMain(new UpdaterRun(follower, loop, store, admin));
  }

  public String adminUrl() {
    return run.adminUrl();
  }

  /** Stops; the lease is revoked so the records vanish now rather than after the TTL. */
  @Override
  public void close() {
    run.close();
  }
}
