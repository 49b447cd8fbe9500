package dev.mesoshealth.updaters.haproxy;

import dev.mesoshealth.events.EndpointHealth;
import dev.mesoshealth.events.HealthState;
import dev.mesoshealth.schemas.topics.Topic;
import dev.mesoshealth.schemas.topics.TopicFollower;
import dev.mesoshealth.schemas.topics.TopicFollower.Start;
import dev.mesoshealth.schemas.topics.Topics;
import dev.mesoshealth.service.AdminServer;
import dev.mesoshealth.service.Durations;
import dev.mesoshealth.service.HttpApi;
import dev.mesoshealth.updaters.ClusterGuard;
import dev.mesoshealth.updaters.Outage;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps HAProxy's servers in step with endpoint health through the Runtime API: follows
 * mesos.endpoints.health (and the cluster states, for the collector-suspect guard), and on every
 * change and every reconcile interval reads each HAProxy's servers, plans, and applies the plan (or
 * logs it, in dry-run). No reloads. An unreachable HAProxy is retried with backoff and logged once
 * per outage.
 */
public final class HaproxyUpdater implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HaproxyUpdater.class);
  private static final Duration SETTLE = Duration.ofMillis(200);

  private final HaproxyUpdaterConfig config;
  private final Clock clock;
  private final Planner planner;
  private final List<RuntimeApi> haproxies = new ArrayList<>();
  private final Map<String, Outage> outages = new HashMap<>();
  private final Map<String, List<String>> lastDryRun = new HashMap<>();
  private final Map<String, List<String>> lastNotes = new HashMap<>();
  private final Map<String, DesiredEndpoint> desired = new LinkedHashMap<>();
  private final Set<String> managed = new TreeSet<>();
  private final ClusterGuard guard;
  private final TopicFollower follower;
  private final BlockingQueue<Object> changes = new LinkedBlockingQueue<>();
  private final Thread reconciler;
  private final AdminServer admin;
  private volatile boolean running = true;

  private final Counter applied;
  private final Counter reconciles;
  private final Counter errors;
  private final Gauge held;
  private final Gauge withoutSlot;
  private final Gauge lastSuccess;

  private HaproxyUpdater(HaproxyUpdaterConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
    this.planner = new Planner(config.maxOutShare());
    for (String socket : config.sockets()) {
      // named by position in haproxy.sockets: the admin socket itself is never logged
      RuntimeApi api =
          new RuntimeApi("haproxy-" + (haproxies.size() + 1), socket, config.timeout());
      haproxies.add(api);
      outages.put(api.name(), new Outage(api.name(), log, Duration.ofSeconds(30)));
    }
    this.guard = new ClusterGuard(config.cluster(), log);
    Map<Topic<String, ?>, Start> follow = new LinkedHashMap<>();
    follow.put(Topics.ENDPOINT_HEALTH, Start.beginning());
    follow.put(Topics.HEALTH_STATES, Start.beginning());
    this.follower =
        new TopicFollower("haproxy-updater-feed", config.kafka(), follow, this::accept, clock);

    PrometheusRegistry registry = new PrometheusRegistry();
    JvmMetrics.builder().register(registry);
    applied =
        Counter.builder()
            .name("mesos_health_haproxy_changes_total")
            .help("Runtime API changes applied, by HAProxy and kind (ready, drain, maint, addr).")
            .labelNames("haproxy", "kind")
            .register(registry);
    reconciles =
        Counter.builder()
            .name("mesos_health_haproxy_reconciles_total")
            .help("Completed reconciles (read, plan, apply), by HAProxy.")
            .labelNames("haproxy")
            .register(registry);
    errors =
        Counter.builder()
            .name("mesos_health_haproxy_errors_total")
            .help("Failed reads or commands, by HAProxy.")
            .labelNames("haproxy")
            .register(registry);
    held =
        Gauge.builder()
            .name("mesos_health_haproxy_held_servers")
            .help("Servers kept in rotation by the drain limit at the last reconcile.")
            .labelNames("haproxy")
            .register(registry);
    withoutSlot =
        Gauge.builder()
            .name("mesos_health_haproxy_endpoints_without_slot")
            .help("UP endpoints with no free server slot at the last reconcile.")
            .labelNames("haproxy")
            .register(registry);
    lastSuccess =
        Gauge.builder()
            .name("mesos_health_haproxy_last_reconcile_timestamp_seconds")
            .help("When each HAProxy was last reconciled successfully.")
            .labelNames("haproxy")
            .register(registry);
    GaugeWithCallback.builder()
        .name("mesos_health_haproxy_frozen")
        .help("1 while a cluster's collector is suspect and nothing is changed.")
        .callback(cb -> cb.call(guard.frozen() ? 1 : 0))
        .register(registry);
    GaugeWithCallback.builder()
        .name("mesos_health_haproxy_desired_endpoints")
        .help("Endpoints known from mesos.endpoints.health.")
        .callback(cb -> cb.call(endpointCount()))
        .register(registry);
    this.admin =
        AdminServer.start(
            config.adminHost(),
            config.adminPort(),
            new HttpApi(),
            null,
            follower::caughtUp,
            registry,
            2);
    this.reconciler = new Thread(this::reconcileLoop, "haproxy-updater");
    this.reconciler.setDaemon(true);
  }

  public static HaproxyUpdater start(HaproxyUpdaterConfig config) {
    return start(config, Clock.systemUTC());
  }

  static HaproxyUpdater start(HaproxyUpdaterConfig config, Clock clock) {
    HaproxyUpdater u = new HaproxyUpdater(config, clock);
    u.follower.start();
    u.reconciler.start();
    log.info(
        "haproxy-updater{} keeping {} in step with endpoint health (drain limit {}%,"
            + " reconcile every {}); metrics at {}/metrics",
        config.dryRun() ? " (dry run)" : "",
        u.haproxies.size() == 1
            ? "haproxy-1"
            : "haproxy-1.." + u.haproxies.size() + " (in the order of haproxy.sockets)",
        Math.round(config.maxOutShare() * 100),
        Durations.format(config.reconcileInterval()),
        u.admin.url());
    return u;
  }

  public String adminUrl() {
    return admin.url();
  }

  private synchronized int endpointCount() {
    return desired.size();
  }

  private void accept(List<TopicFollower.Event> batch) {
    synchronized (this) {
      for (TopicFollower.Event e : batch) {
        if (e.topic().equals(Topics.HEALTH_STATES.name())) {
          guard.accept(e.key(), (HealthState) e.value());
          continue;
        }
        EndpointHealth h = (EndpointHealth) e.value();
        if (h == null) {
          desired.remove(e.key());
        } else if (!config.cluster().isEmpty() && !config.cluster().equals(h.getCluster())) {
          continue;
        } else if (h.getIp() == null || h.getPort() == null) {
          desired.remove(e.key()); // no address HAProxy could use
        } else {
          desired.put(
              e.key(),
              new DesiredEndpoint(
                  e.key(), h.getBackend(), h.getIp(), h.getPort(), h.getStatus(), h.getReasons()));
          managed.add(h.getBackend());
        }
      }
    }
    changes.offer(Boolean.TRUE);
  }

  private void reconcileLoop() {
    long nextFull = 0;
    while (running) {
      try {
        long wakeAt = nextFull;
        for (Outage o : outages.values()) {
          if (o.ongoing()) {
            wakeAt = Math.min(wakeAt, o.nextAttempt()); // retry an unreachable HAProxy on time
          }
        }
        long wait = Math.max(0, wakeAt - clock.millis());
        if (changes.poll(wait, TimeUnit.MILLISECONDS) != null) {
          // let a burst of changes settle into one plan
          changes.poll(SETTLE.toMillis(), TimeUnit.MILLISECONDS);
          changes.clear();
        }
      } catch (InterruptedException e) {
        return;
      }
      if (!running) {
        return;
      }
      if (!follower.caughtUp()) {
        continue; // never plan from half the picture: it would take servers out that are fine
      }
      long now = clock.millis();
      if (now >= nextFull) {
        nextFull = now + config.reconcileInterval().toMillis();
      }
      for (RuntimeApi api : haproxies) {
        reconcile(api);
      }
    }
  }

  private void reconcile(RuntimeApi api) {
    Outage outage = outages.get(api.name());
    if (!outage.due(clock.millis())) {
      return;
    }
    try {
      List<ServerState> live = api.servers();
      outage.succeeded(clock.millis());
      Planner.Plan plan;
      synchronized (this) {
        plan =
            planner.plan(live, List.copyOf(desired.values()), Set.copyOf(managed), guard.frozen());
      }
      held.labelValues(api.name()).set(plan.held().size());
      withoutSlot.labelValues(api.name()).set(plan.withoutSlot().size());
      if (config.dryRun()) {
        logDryRun(api, plan);
      } else {
        for (Action a : plan.actions()) {
          api.apply(a);
          applied.labelValues(api.name(), a.kind()).inc();
          log.info("{}: {} ({})", api.name(), a.command(), a.why());
        }
        List<String> notes = new ArrayList<>();
        plan.held().forEach(h -> notes.add("held by the drain limit: " + h));
        plan.withoutSlot()
            .forEach(
                w ->
                    notes.add(
                        "no free server slot for "
                            + w
                            + " (add server-template slots to the backend)"));
        if (!notes.equals(lastNotes.put(api.name(), notes))) {
          notes.forEach(n -> log.warn("{}: {}", api.name(), n)); // once, not every reconcile
        }
      }
      reconciles.labelValues(api.name()).inc();
      lastSuccess.labelValues(api.name()).set(clock.millis() / 1000.0);
    } catch (IOException e) {
      errors.labelValues(api.name()).inc();
      outage.failed(clock.millis(), e);
    }
  }

  private void logDryRun(RuntimeApi api, Planner.Plan plan) {
    List<String> lines = new ArrayList<>();
    plan.actions().forEach(a -> lines.add("would " + a.command() + " (" + a.why() + ")"));
    plan.held().forEach(h -> lines.add("held by the drain limit: " + h));
    plan.withoutSlot().forEach(w -> lines.add("no free server slot for " + w));
    if (!lines.equals(lastDryRun.get(api.name()))) {
      lastDryRun.put(api.name(), lines);
      if (lines.isEmpty()) {
        log.info("{}: dry run: nothing to change", api.name());
      }
      lines.forEach(l -> log.info("{}: dry run: {}", api.name(), l));
    }
  }

  @Override
  public void close() {
    running = false;
    reconciler.interrupt();
    try {
      reconciler.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    follower.close();
    admin.close();
  }
}
