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
  static final String TASKS_ENDED_BADLY = "tasks-ended-badly";
  static final String TASKS_ENDED_WELL = "tasks-ended-well";
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
    Double terminating = o.metric("mesos.slave.executors_terminating");
    if (terminating != null && terminating >= config.executorsTerminatingMax()) {
      reasons.add(
          new Reason(
              "agent.executors-terminating",
              HealthStatus.DEGRADED,
              "mesos.slave.executors_terminating",
              terminating,
              (double) config.executorsTerminatingMax(),
              fmt(terminating)
                  + " executors terminating at once (their containers may be stuck being"
                  + " destroyed)"));
    }
    Double cpus = o.metric("mesos.stats.system.cpus_total");
    if (cpus == null || cpus <= 0) {
      cpus = o.metric("mesos.slave.cpus_total");
    }
    hostLoad(o, "agent", cpus, config.loadPerCpu(), reasons);
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

  /** Load on the node's host, an agent's or a master's own. */
  private static void hostLoad(
      Observation o, String role, Double cpus, double loadPerCpu, List<Reason> reasons) {
    Double load = o.metric("mesos.stats.system.load_5min");
    if (load != null && cpus != null && cpus > 0 && load / cpus >= loadPerCpu) {
      reasons.add(
          new Reason(
              role + ".load",
              HealthStatus.DEGRADED,
              "mesos.stats.system.load_5min",
              load,
              loadPerCpu * cpus,
              String.format(
                  Locale.ROOT,
                  "Load %.1f on %.0f CPUs (%.1f per CPU, limit %.1f)",
                  load,
                  cpus,
                  load / cpus,
                  loadPerCpu)));
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
    Double requests = o.metric("mesos.cluster.event_queue_http_requests");
    if (queue != null || dispatches != null || requests != null) {
      // one actor's queue: messages, dispatches and HTTP requests all wait in it
      double backlog =
          (queue == null ? 0 : queue)
              + (dispatches == null ? 0 : dispatches)
              + (requests == null ? 0 : requests);
      if (backlog > config.eventQueueMax()) {
        reasons.add(
            new Reason(
                "master.event-queue",
                HealthStatus.DEGRADED,
                "mesos.cluster.event_queue_messages",
                backlog,
                config.eventQueueMax(),
                fmt(backlog)
                    + " messages, dispatches and HTTP requests waiting in the master's event"
                    + " queue"));
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
    // a master's host load only: its free memory (the kernel's MemFree, which the page cache keeps
    // low) was 1.3 % and 2.7 % on two healthy real masters (fixtures), so it is not judged
    hostLoad(
        o, "master", o.metric("mesos.stats.system.cpus_total"), config.masterLoadPerCpu(), reasons);
    leaderRules(o, events, reasons);
  }

  /** The leading master's cluster-wide figures (followers do not report them). */
  private void leaderRules(
      Observation o, List<NodeMemory.CounterEvent> events, List<Reason> reasons) {
    RuleConfig.Leader limits = config.leader();
    Double agentsDisconnected = o.metric("mesos.cluster.slaves_disconnected");
    if (agentsDisconnected != null && agentsDisconnected > 0) {
      Double connected = o.metric("mesos.cluster.slaves_connected");
      double registered = agentsDisconnected + (connected == null ? 0 : connected);
      double share = agentsDisconnected / registered;
      boolean many = share >= limits.agentsDisconnectedShare();
      reasons.add(
          new Reason(
              "master.agents-disconnected",
              many ? HealthStatus.DEGRADED : HealthStatus.HEALTHY,
              "mesos.cluster.slaves_disconnected",
              agentsDisconnected,
              limits.agentsDisconnectedShare() * registered,
              String.format(
                  Locale.ROOT,
                  "%s of %s registered agent(s) (%.0f%%) disconnected from the master",
                  fmt(agentsDisconnected),
                  fmt(registered),
                  100 * share)));
    }
    Instant since = o.polledAt().minus(limits.taskWindow());
    double bad = sum(events, TASKS_ENDED_BADLY, since);
    double ended = bad + sum(events, TASKS_ENDED_WELL, since);
    if (bad >= limits.taskFailuresMin() && bad / ended >= limits.taskFailureShare()) {
      reasons.add(
          new Reason(
              "master.task-storm",
              HealthStatus.DEGRADED,
              "mesos.cluster.tasks_failed",
              bad / ended,
              limits.taskFailureShare(),
              String.format(
                  Locale.ROOT,
                  "%s of the %s tasks that ended in the last %d minutes failed, were lost or were"
                      + " in error (%.0f%%)",
                  fmt(bad),
                  fmt(ended),
                  limits.taskWindow().toMinutes(),
                  100 * bad / ended)));
    }
    Double offers = o.metric("mesos.cluster.outstanding_offers");
    Double active = o.metric("mesos.cluster.slaves_active");
    if (offers != null
        && active != null
        && active > 0
        && offers >= 10
        && offers > limits.offersPerAgent() * active) {
      reasons.add(
          new Reason(
              "master.offers-backlog",
              HealthStatus.DEGRADED,
              "mesos.cluster.outstanding_offers",
              offers,
              limits.offersPerAgent() * active,
              String.format(
                  Locale.ROOT,
                  "%s offers outstanding for %s active agents: frameworks hold offers instead of"
                      + " accepting or declining them",
                  fmt(offers),
                  fmt(active))));
    }
    Double inactive = o.metric("mesos.cluster.frameworks_inactive");
    if (inactive != null && inactive > 0) {
      reasons.add(
          new Reason(
              "master.frameworks-inactive",
              HealthStatus.DEGRADED,
              "mesos.cluster.frameworks_inactive",
              inactive,
              0.0,
              fmt(inactive) + " framework(s) inactive: the master sends them no offers"));
    }
    Double registry = o.metric("mesos.registrar.registry_size_bytes");
    if (registry != null && registry > limits.registryMaxBytes()) {
      reasons.add(
          new Reason(
              "master.registry-size",
              HealthStatus.DEGRADED,
              "mesos.registrar.registry_size_bytes",
              registry,
              limits.registryMaxBytes(),
              String.format(
                  Locale.ROOT,
                  "The registry holds %.0f MiB: every write and a new leader's recovery read all"
                      + " of it",
                  registry / (1024 * 1024))));
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
        new String[] {"mesos.stats.uptime_secs", RESTART},
        new String[] {"mesos.cluster.tasks_failed", TASKS_ENDED_BADLY},
        new String[] {"mesos.cluster.tasks_lost", TASKS_ENDED_BADLY},
        new String[] {"mesos.cluster.tasks_error", TASKS_ENDED_BADLY},
        new String[] {"mesos.cluster.tasks_finished", TASKS_ENDED_WELL},
        new String[] {"mesos.cluster.tasks_killed", TASKS_ENDED_WELL});
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
