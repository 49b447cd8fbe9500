package dev.mesoshealth.sim.cluster;

/**
 * Every fault the simulator can inject. Node faults hit any master, agent or Marathon; agent,
 * master and app faults need a target of that kind; cluster faults need none.
 */
public enum FaultKind {
  /** Connection refused. On the leading master, also a failover. */
  DOWN(Scope.NODE, "connection refused"),
  /**
   * Connection refused for a moment (1.5 s unless a duration is given), as when an agent restarts
   * its HTTP server: a blip that must not raise an alarm.
   */
  BLIP(Scope.NODE, "refuses connections for a moment"),
  /** Answers after a delay (param delayMs, default 5000). */
  SLOW(Scope.NODE, "answers late"),
  /** Accepts and never answers. */
  HUNG(Scope.NODE, "accepts, never answers"),
  /** Answers every request with an error status (param status, default 500). */
  HTTP_ERROR(Scope.NODE, "answers with an HTTP error"),
  /** Answers with a truncated, unparsable JSON body. */
  MALFORMED_JSON(Scope.NODE, "answers with malformed JSON"),
  /** /metrics/snapshot leaves keys out. */
  PARTIAL_SNAPSHOT(Scope.NODE, "snapshot with keys missing"),
  /** The agent lost its master: slave/registered 0, inactive in /master/slaves. */
  AGENT_DISCONNECTED(Scope.AGENT, "agent disconnected from the master"),
  /** The agent is deactivated and draining (Mesos 1.9 maintenance). */
  AGENT_DRAINING(Scope.AGENT, "agent draining"),
  /**
   * The agent shuts down and leaves the cluster (it unregisters, then stops answering); with a
   * duration it registers again when it ends.
   */
  AGENT_REMOVED(Scope.AGENT, "agent removed"),
  /**
   * A network partition between the agent and the master: after the agent ping timeout the master
   * marks it unreachable (gone from /master/slaves, its tasks TASK_UNREACHABLE) and the agent knows
   * it is not registered; it re-registers when the partition heals. Param agentAnswers (default
   * true): whether the collector can still reach the agent.
   */
  AGENT_PARTITIONED(Scope.AGENT, "agent partitioned from the master"),
  /** A new agent joins; with a duration it is removed when it ends. */
  AGENT_ADDED(Scope.CLUSTER, "agent added"),
  /** The agent process restarts: counters and uptime start over. */
  AGENT_RESTART(Scope.AGENT, "agent restarted"),
  /** slave/recovery_errors above zero (param count, default 3). */
  RECOVERY_ERRORS(Scope.AGENT, "recovery errors"),
  /** A burst of failed and lost tasks (params failed, default 8; lost, default 3). */
  TASK_FAILURES(Scope.AGENT, "burst of failed and lost tasks"),
  /** Containers fail to launch: slave/container_launch_errors rises (param perSecond). */
  LAUNCH_ERRORS(Scope.AGENT, "container launch errors"),
  /** Host overloaded: load far above CPUs and almost no free memory. */
  HOST_PRESSURE(Scope.AGENT, "host load and memory pressure"),
  /**
   * The leader steps down and the next master is elected. As a real new leader does (and after any
   * leader change), it knows the agents from its registry only (recovered_slaves) until each
   * re-registers: most within reregisterWithinSeconds (default 60), a slowShare of them (default
   * 0.05) up to three times as long; one not back within reregisterTimeoutSeconds (default 600,
   * Mesos' agent_reregister_timeout) is removed.
   */
  MASTER_FAILOVER(Scope.CLUSTER, "master failover"),
  /** The master process restarts (uptime resets); a leader also fails over. */
  MASTER_RESTART(Scope.MASTER, "master restarted"),
  /** No master is elected. */
  NO_LEADER(Scope.CLUSTER, "no elected master"),
  /** A second master also claims leadership. */
  TWO_LEADERS(Scope.CLUSTER, "two masters claim leadership"),
  /** Registry writes slow down (param p99Ms, default 2500). */
  REGISTRAR_LATENCY(Scope.CLUSTER, "registrar latency spike"),
  /** The leader drops messages (param perSecond, default 5). */
  DROPPED_MESSAGES(Scope.CLUSTER, "master dropping messages"),
  /** The leader's event queue backs up (param messages, default 5000). */
  EVENT_QUEUE_BACKLOG(Scope.CLUSTER, "master event queue backlog"),
  /** Marathon loses its connection to the master. */
  FRAMEWORK_DISCONNECTED(Scope.CLUSTER, "Marathon disconnected from the master"),
  /**
   * Allocation grows steadily toward exhaustion (param targetRatio, default 0.97) over rampSeconds
   * (default the fault's whole duration), then holds there until the fault ends.
   */
  CAPACITY_RAMP(Scope.CLUSTER, "capacity ramp"),
  /** Health checks of an app's tasks (or one task) fail. */
  HEALTH_CHECK_FAILING(Scope.APP, "health checks failing"),
  /** Marathon fails over and forgets health-check results until checks run again. */
  MARATHON_FAILOVER(Scope.CLUSTER, "Marathon failover, health results blank");

  /** What a fault needs as its target. */
  public enum Scope {
    NODE,
    AGENT,
    MASTER,
    CLUSTER,
    APP
  }

  private final Scope scope;
  private final String description;

  FaultKind(Scope scope, String description) {
    this.scope = scope;
    this.description = description;
  }

  public Scope scope() {
    return scope;
  }

  public String description() {
    return description;
  }
}
