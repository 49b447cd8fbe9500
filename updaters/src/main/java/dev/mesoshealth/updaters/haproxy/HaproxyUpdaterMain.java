package dev.mesoshealth.updaters.haproxy;

import dev.mesoshealth.schemas.topics.Topic;
import dev.mesoshealth.schemas.topics.TopicFollower;
import dev.mesoshealth.schemas.topics.TopicFollower.Start;
import dev.mesoshealth.schemas.topics.Topics;
import dev.mesoshealth.service.AdminServer;
import dev.mesoshealth.service.Durations;
import dev.mesoshealth.service.HttpApi;
import dev.mesoshealth.updaters.ReconcileLoop;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

  private final TopicFollower follower;
  private final ReconcileLoop loop;
  private final AdminServer admin;

  private HaproxyUpdaterMain(TopicFollower follower, ReconcileLoop loop, AdminServer admin) {
    this.follower = follower;
    this.loop = loop;
    this.admin = admin;
  }

  public static HaproxyUpdaterMain start(HaproxyUpdaterConfig config) {
    Clock clock = Clock.systemUTC();
    PrometheusRegistry registry = new PrometheusRegistry();
    JvmMetrics.builder().register(registry);
    HaproxyUpdater updater =
        new HaproxyUpdater(config.cluster(), config.maxOutShare(), registry, clock);
    List<ReconcileLoop.Target> targets = new ArrayList<>();
    for (String socket : config.sockets()) {
      // named by position in haproxy.sockets: the admin socket itself is never logged
      Haproxy h = new RuntimeApi("haproxy-" + (targets.size() + 1), socket, config.timeout());
      targets.add(updater.target(config.dryRun() ? new DryRunHaproxy(h) : h));
    }
    ReconcileLoop loop =
        new ReconcileLoop("haproxy-updater", config.reconcileInterval(), clock, log);
    Map<Topic<String, ?>, Start> follow = new LinkedHashMap<>();
    follow.put(Topics.ENDPOINT_HEALTH, Start.beginning());
    follow.put(Topics.HEALTH_STATES, Start.beginning());
    TopicFollower follower =
        new TopicFollower(
            "haproxy-updater-feed",
            config.kafka().properties(),
            follow,
            batch -> {
              updater.accept(batch);
              loop.changed();
            },
            clock);
    AdminServer admin =
        AdminServer.start(
            config.admin().host(),
            config.admin().port(),
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
        config.dryRun() ? " (dry run)" : "",
        targets.size() == 1
            ? "haproxy-1"
            : "haproxy-1.." + targets.size() + " (in the order of haproxy.sockets)",
        Math.round(config.maxOutShare() * 100),
        Durations.format(config.reconcileInterval()),
        admin.url());
    return new HaproxyUpdaterMain(follower, loop, admin);
  }

  public String adminUrl() {
    return admin.url();
  }

  @Override
  public void close() {
    loop.close();
    follower.close();
    admin.close();
  }
}
