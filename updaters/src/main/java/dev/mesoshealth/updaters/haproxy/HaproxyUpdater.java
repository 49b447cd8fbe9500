package dev.mesoshealth.updaters.haproxy;

import dev.mesoshealth.events.EndpointHealth;
import dev.mesoshealth.events.HealthState;
import dev.mesoshealth.schemas.topics.TopicFollower;
import dev.mesoshealth.schemas.topics.Topics;
import dev.mesoshealth.updaters.ClusterGuard;
import dev.mesoshealth.updaters.ReconcileLoop;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the HAProxy updater knows and does: it takes mesos.endpoints.health (and the cluster states,
 * for the collector-suspect guard) as they come, and reconciles one {@link Haproxy} at a time: read
 * its servers, plan ({@link Planner}), apply. No I/O of its own: the HAProxies, the topics and the
 * loop are wired by {@link HaproxyUpdaterMain}.
 */
public final class HaproxyUpdater {
  private static final Logger log = LoggerFactory.getLogger(HaproxyUpdater.class);

  private final String cluster;
  private final Planner planner;
  private final Clock clock;
  private final ClusterGuard guard;
  private final Map<String, DesiredEndpoint> desired = new LinkedHashMap<>();
  private final Set<String> managed = new TreeSet<>();
  private final Map<String, List<String>> lastNotes = new HashMap<>();

  private final Counter applied;
  private final Counter reconciles;
  private final Counter errors;
  private final Gauge held;
  private final Gauge withoutSlot;
  private final Gauge lastSuccess;

  /**
   * @param cluster only endpoints of this cluster; empty: every cluster
   * @param maxOutShare the drain limit: the most of a backend's servers taken out of rotation
   */
  public HaproxyUpdater(
      String cluster, double maxOutShare, PrometheusRegistry registry, Clock clock) {
    this.cluster = cluster;
    this.planner = new Planner(maxOutShare);
    this.clock = clock;
    this.guard = new ClusterGuard(cluster, log);
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
  }

  private synchronized int endpointCount() {
    return desired.size();
  }

  /** Takes a batch of endpoint health and cluster state records. */
  public synchronized void accept(List<TopicFollower.Event> batch) {
    for (TopicFollower.Event e : batch) {
      if (e.topic().equals(Topics.HEALTH_STATES.name())) {
        guard.accept(e.key(), (HealthState) e.value());
        continue;
      }
      EndpointHealth h = (EndpointHealth) e.value();
      if (h == null) {
        desired.remove(e.key());
      } else if (!cluster.isEmpty() && !cluster.equals(h.getCluster())) {
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

  /** The HAProxy as a target of the reconcile loop (every reconcile reads it whole). */
  public ReconcileLoop.Target target(Haproxy haproxy) {
    return new ReconcileLoop.Target() {
      @Override
      public String name() {
        return haproxy.name();
      }

      @Override
      public void reconcile(boolean full) throws IOException {
        HaproxyUpdater.this.reconcile(haproxy);
      }

      @Override
      public void failed(Exception e) {
        errors.labelValues(haproxy.name()).inc();
      }
    };
  }

  /** Reads the HAProxy's servers, plans, and applies the plan. */
  public void reconcile(Haproxy haproxy) throws IOException {
    String name = haproxy.name();
    List<ServerState> live = haproxy.servers();
    Planner.Plan plan;
    synchronized (this) {
      plan = planner.plan(live, List.copyOf(desired.values()), Set.copyOf(managed), guard.frozen());
    }
    held.labelValues(name).set(plan.held().size());
    withoutSlot.labelValues(name).set(plan.withoutSlot().size());
    for (Action a : haproxy.apply(plan.actions())) {
      applied.labelValues(name, a.kind()).inc();
      log.info("{}: {} ({})", name, a.command(), a.why());
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
    synchronized (this) {
      if (!notes.equals(lastNotes.put(name, notes))) {
        notes.forEach(n -> log.warn("{}: {}", name, n)); // once, not every reconcile
      }
    }
    reconciles.labelValues(name).inc();
    lastSuccess.labelValues(name).set(clock.millis() / 1000.0);
  }
}
