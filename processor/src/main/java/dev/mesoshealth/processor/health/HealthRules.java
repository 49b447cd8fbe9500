package dev.mesoshealth.processor.health;

import dev.mesoshealth.events.HealthStatus;
import dev.mesoshealth.events.NodeRole;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The rules that turn one snapshot, with the node's recent counter events and inventory, into
 * reasons. Each reason names its rule, metric, observed value and threshold. Pure.
 */
public final class HealthRules {
  static final String TASK_FAILURES = "task-failures";
  static final String LAUNCH_ERRORS = "launch-errors";
  static final String DROPPED = "dropped-messages";
  static final String RESTART = "restart";
  static final String MARKED_UNREACHABLE = "agent.marked-unreachable";

  private final RuleConfig config;

  public HealthRules(RuleConfig config) {
    this.config = config;
  }

  public RuleConfig config() {
    return config;
  }

  /**
   * Reasons for this observation.
   *
   * @param events the node's counter events, including those this observation produced
   * @param failedPolls consecutive failed polls including this one
   */
  public List<Reason> evaluate(
      Observation o,
      List<NodeMemory.CounterEvent> events,
      NodeMemory.InventoryView inventory,
      int failedPolls) {
    List<Reason> reasons = new ArrayList<>();
    if (o.role() == NodeRole.AGENT
        && inventory.known()
        && !inventory.active()
        && !inventory.draining()
        && !inventory.recovering()
        && !inventory.unlisted()) {
      reasons.add(
          Reason.of(
              "agent.inactive",
              HealthStatus.UNHEALTHY,
              "The leading master lists the agent as inactive"));
    }
    if (o.pollFailed()) {
      String what = o.error() == null ? o.outcome().name() : o.error();
      reasons.add(
          new Reason(
              "poll.failed",
              HealthStatus.UNREACHABLE,
              null,
              (double) failedPolls,
              (double) config.enterAfter(),
              failedPolls + " poll(s) in a row failed: " + what));
      if (o.role() == NodeRole.AGENT && inventory.unlisted()) {
        reasons.add(
            Reason.of(
                MARKED_UNREACHABLE,
                HealthStatus.UNHEALTHY,
                "The leading master marked the agent unreachable too (not in /master/slaves since "
                    + inventory.unlistedSince()
                    + ")"));
      }
      return reasons;
    }
    if (o.invalid()) {
      reasons.add(
          Reason.of(
              "poll.invalid",
              HealthStatus.UNHEALTHY,
              "Answers that are not a metrics snapshot: " + o.error()));
      return reasons;
    }
    if (o.role() == NodeRole.AGENT) {
      agentRules(o, events, inventory, reasons);
    } else if (o.role() == NodeRole.MASTER) {
      masterRules(o, events, reasons);
    }
    return reasons;
  }

  private void agentRules(
      Observation o,
      List<NodeMemory.CounterEvent> events,
      NodeMemory.InventoryView inventory,
      List<Reason> reasons) {
    Double registered = o.metric("mesos.stats.registered");
    if (inventory.recovering()) {
      // every agent of a cluster goes through this at each master failover, for up to the
      // master's agent_reregister_timeout: expected, and said so; removal, if it comes, is GONE
      reasons.add(
          Reason.of(
              "agent.reregistering",
              HealthStatus.HEALTHY,
              "The agent is re-registering with a newly elected master (listed under"
                  + " recovered_slaves); its own metrics are fine"));
    } else if (inventory.unlisted()) {
      // Mesos 1.1+ drops an agent whose pings failed from /master/slaves: a partition between it
      // and the master (we still reach it). Its tasks are TASK_UNREACHABLE and it gets no new ones
      reasons.add(
          Reason.of(
              MARKED_UNREACHABLE,
              HealthStatus.DEGRADED,
              "The leading master marked the agent unreachable (not in /master/slaves since "
                  + inventory.unlistedSince()
                  + "): it answers us, but its tasks are TASK_UNREACHABLE and it gets no new"
                  + " ones"));
    } else if (registered != null && registered == 0) {
      reasons.add(
          new Reason(
              "agent.unregistered",
              HealthStatus.UNHEALTHY,
              "mesos.stats.registered",
              0.0,
              1.0,
              "The agent is not registered with a master"));
    }
    Double recovery = o.metric("mesos.slave.recovery_errors");
    if (recovery != null && recovery > 0) {
      reasons.add(
          new Reason(
              "agent.recovery-errors",
              HealthStatus.DEGRADED,
              "mesos.slave.recovery_errors",
              recovery,
              0.0,
              fmt(recovery) + " error(s) while the agent recovered"));
    }
    double failures = sum(events, TASK_FAILURES, o.polledAt().minus(config.taskFailureWindow()));
    if (failures >= config.taskFailureThreshold()) {
      reasons.add(
          new Reason(
              "agent.task-failures",
              HealthStatus.DEGRADED,
              "mesos.slave.tasks_failed",
              failures,
              (double) config.taskFailureThreshold(),
              fmt(failures)
                  + " tasks failed or were lost in the last "
                  + config.taskFailureWindow().toMinutes()
                  + " minutes"));
    }
    double launches = sum(events, LAUNCH_ERRORS, o.polledAt().minusMillis(1));
    if (launches > 0) {
      reasons.add(
          new Reason(
              "agent.launch-errors",
              HealthStatus.DEGRADED,
              "mesos.slave.container_launch_errors",
              launches,
              0.0,
              fmt(launches) + " container(s) failed to launch since the last poll"));
    }
    Double load = o.metric("mesos.stats.system.load_5min");
    Double cpus = o.metric("mesos.stats.system.cpus_total");
    if (cpus == null || cpus <= 0) {
      cpus = o.metric("mesos.slave.cpus_total");
    }
    if (load != null && cpus != null && cpus > 0 && load / cpus >= config.loadPerCpu()) {
      reasons.add(
          new Reason(
              "agent.load",
              HealthStatus.DEGRADED,
              "mesos.stats.system.load_5min",
              load,
              config.loadPerCpu() * cpus,
              String.format(
                  Locale.ROOT,
                  "Load %.1f on %.0f CPUs (%.1f per CPU, limit %.1f)",
                  load,
                  cpus,
                  load / cpus,
                  config.loadPerCpu())));
    }
    Double free = o.metric("mesos.stats.system.mem_free_bytes");
    Double total = o.metric("mesos.stats.system.mem_total_bytes");
    if (free != null && total != null && total > 0 && free / total < config.minFreeMemory()) {
      reasons.add(
          new Reason(
              "agent.memory",
              HealthStatus.DEGRADED,
              "mesos.stats.system.mem_free_bytes",
              free,
              config.minFreeMemory() * total,
              String.format(
                  Locale.ROOT,
                  "Only %.1f%% of host memory free (limit %.0f%%)",
                  100 * free / total,
                  100 * config.minFreeMemory())));
    }
  }

  private void masterRules(
      Observation o, List<NodeMemory.CounterEvent> events, List<Reason> reasons) {
    Double p99 = o.metric("mesos.registrar.state_store_ms.p99");
    if (p99 != null && p99 > config.registrarP99Ms()) {
      reasons.add(
          new Reason(
              "master.registrar-latency",
              HealthStatus.DEGRADED,
              "mesos.registrar.state_store_ms.p99",
              p99,
              config.registrarP99Ms(),
              String.format(
                  Locale.ROOT,
                  "Registry writes take %.0f ms at p99 (limit %.0f ms)",
                  p99,
                  config.registrarP99Ms())));
    }
    double dropped = sum(events, DROPPED, o.polledAt().minusMillis(1));
    if (dropped > 0) {
      reasons.add(
          new Reason(
              "master.dropped-messages",
              HealthStatus.DEGRADED,
              "mesos.cluster.dropped_messages",
              dropped,
              0.0,
              "The master dropped " + fmt(dropped) + " message(s) since the last poll"));
    }
    Double queue = o.metric("mesos.cluster.event_queue_messages");
    Double dispatches = o.metric("mesos.cluster.event_queue_dispatches");
    if (queue != null || dispatches != null) {
      double backlog = (queue == null ? 0 : queue) + (dispatches == null ? 0 : dispatches);
      if (backlog > config.eventQueueMax()) {
        reasons.add(
            new Reason(
                "master.event-queue",
                HealthStatus.DEGRADED,
                "mesos.cluster.event_queue_messages",
                backlog,
                config.eventQueueMax(),
                fmt(backlog) + " messages and dispatches waiting in the master's event queue"));
      }
    }
    Double disconnected = o.metric("mesos.cluster.frameworks_disconnected");
    if (disconnected != null && disconnected > 0) {
      reasons.add(
          new Reason(
              "master.frameworks-disconnected",
              HealthStatus.DEGRADED,
              "mesos.cluster.frameworks_disconnected",
              disconnected,
              0.0,
              fmt(disconnected)
                  + " framework(s) (e.g. Marathon) lost their connection to the master"));
    }
    double restarts = sum(events, RESTART, o.polledAt().minus(config.flappingWindow()));
    if (restarts >= config.flappingRestarts()) {
      reasons.add(
          new Reason(
              "master.flapping",
              HealthStatus.DEGRADED,
              "mesos.stats.uptime_secs",
              restarts,
              (double) config.flappingRestarts(),
              "The master restarted "
                  + fmt(restarts)
                  + " times in "
                  + config.flappingWindow().toMinutes()
                  + " minutes"));
    }
    Double agentsDisconnected = o.metric("mesos.cluster.slaves_disconnected");
    if (agentsDisconnected != null && agentsDisconnected > 0) {
      reasons.add(
          new Reason(
              "master.agents-disconnected",
              HealthStatus.HEALTHY,
              "mesos.cluster.slaves_disconnected",
              agentsDisconnected,
              0.0,
              fmt(agentsDisconnected) + " agent(s) disconnected from the master"));
    }
  }

  /** The counters the rules watch, per role, with the event kind a rise produces. */
  static List<String[]> trackedCounters(NodeRole role) {
    if (role == NodeRole.AGENT) {
      return List.of(
          new String[] {"mesos.slave.tasks_failed", TASK_FAILURES},
          new String[] {"mesos.slave.tasks_lost", TASK_FAILURES},
          new String[] {"mesos.slave.container_launch_errors", LAUNCH_ERRORS});
    }
    return List.of(
        new String[] {"mesos.cluster.dropped_messages", DROPPED},
        new String[] {"mesos.stats.uptime_secs", RESTART});
  }

  private static double sum(List<NodeMemory.CounterEvent> events, String kind, Instant after) {
    double sum = 0;
    for (NodeMemory.CounterEvent e : events) {
      if (e.kind().equals(kind) && e.at().isAfter(after)) {
        sum += e.amount();
      }
    }
    return sum;
  }

  static String fmt(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.2f", v);
  }
}
