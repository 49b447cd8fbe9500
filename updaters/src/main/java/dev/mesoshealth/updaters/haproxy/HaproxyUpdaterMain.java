package dev.mesoshealth.updaters.haproxy;

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
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HAProxy updater service: follows mesos.endpoints.health and the cluster states into a {@link
 * HaproxyUpdater}, which one {@link ReconcileLoop} applies to every HAProxy through its Runtime API
 * (or logs, in dry run) on each change and every reconcile interval. No reloads; an unreachable
 * HAProxy is retried with backoff and logged once per outage. /metrics and /health on the admin
 * port.
 */
public final class HaproxyUpdaterMain implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HaproxyUpdaterMain.class);

  private final UpdaterRun run;

  private HaproxyUpdaterMain(UpdaterRun run) {
    this.run = run;
  }

  public static HaproxyUpdaterMain start(HaproxyUpdaterConfig config) {
    Clock clock = Clock.systemUTC();
    PrometheusRegistry registry = new PrometheusRegistry();
    JvmMetrics.builder().register(registry);
    HaproxyUpdater updater =
        new HaproxyUpdater(config.updater().cluster(), config.maxOutShare(), registry, clock);
    List<ReconcileLoop.Target> targets = new ArrayList<>();
    for (String socket : config.sockets()) {
      // named by position in haproxy.sockets: the admin socket itself is never logged
      Haproxy h = new RuntimeApi("haproxy-" + (targets.size() + 1), socket, config.timeout());
      targets.add(updater.target(config.updater().dryRun() ? new DryRunHaproxy(h) : h));
    }
    ReconcileLoop loop =
        new ReconcileLoop("haproxy-updater", config.updater().reconcileInterval(), clock, log);
    TopicFollower follower =
        loop.feed(
            "haproxy-updater-feed",
            config.kafka(),
            List.of(Topics.ENDPOINT_HEALTH, Topics.HEALTH_STATES),
            updater::accept);
    AdminServer admin =
        AdminServer.start(
            config.updater().admin().host(),
            config.updater().admin().port(),
            new HttpApi(),
            null,
            follower::caughtUp,
            registry,
            2);
    follower.start();
    loop.start(targets, follower::caughtUp);
    log.info(
        "haproxy-updater{} keeping {} in step with endpoint health (drain limit {}%,"
            + " reconcile every {}); metrics at {}/metrics",
        config.updater().dryRun() ? " (dry run)" : "",
        targets.size() == 1
            ? "haproxy-1"
            : "haproxy-1.." + targets.size() + " (in the order of haproxy.sockets)",
        Math.round(config.maxOutShare() * 100),
        Durations.format(config.updater().reconcileInterval()),
        admin.url());
    return new HaproxyUpdaterMain(new UpdaterRun(follower, loop, null, admin));
  }

  public String adminUrl() {
    return run.adminUrl();
  }

  @Override
  public void close() {
    run.close();
  }
}
