package dev.mesoshealth.sim.cluster;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** One simulated Mesos agent: its machine, its tasks and counters. Guarded by the cluster lock. */
public final class SimAgent {
  final int index;
  final String id;
  final String hostname;
  final String ip;
  int port;
  final AgentShape shape;
  final Map<String, String> attributes;
  final String region;
  final String zone;

  /** Role with a static reservation on this agent, or null. */
  final String reservedRole;

  final double reservedShare;
  final SplittableRandom rng;
  final double targetUtilisation;
  final double loadBase;
  final NodeFaults faults = new NodeFaults();
  final List<SimTask> tasks = new ArrayList<>();

  Instant registeredAt;
  Instant reregisteredAt;
  Instant startedAt;

  long tasksFinished;
  long tasksFailed;
  long tasksKilled;
  long tasksLost;
  long tasksGone;
  long containerLaunchErrors;
  long fetchesSucceeded;
  long statusUpdates;
  long frameworkMessages;
  long gcRemovals;
  long executorsTerminated;
  double recoveryErrors;
  double load1;
  double load5;
  double load15;

  boolean registered = true;
  boolean removed;
  boolean deactivated;
  boolean draining;

  /**
   * Set while a newly elected master knows the agent only from its registry (listed under
   * recovered_slaves): when it re-registers, or by when the master removes it.
   */
  Instant reregistersAt;

  Instant reregisterDeadline;

  /** Listed under recovered_slaves: a new leader has not heard from it yet. */
  public boolean recovering() {
    return reregistersAt != null;
  }

  /**
   * Set while the master considers the agent unreachable (pings failed for the timeout): as Mesos
   * 1.1+ does, the master no longer lists it in /master/slaves until it re-registers.
   */
  boolean unreachable;

  /** Since when the master has not heard the agent's pings (down or partitioned), or null. */
  Instant downSince;

  /**
   * Partitioned from the master (AGENT_PARTITIONED), and whether the collector still reaches it.
   */
  boolean partitioned;

  boolean partitionAnswers = true;

  /** Its machine is DOWN for maintenance: the agent is shut down until the machine is UP. */
  boolean machineDown;

  boolean pressure;
  int launchErrorsPerSecond;

  SimAgent(
      int index,
      String id,
      String hostname,
      String ip,
      int port,
      AgentShape shape,
      Map<String, String> attributes,
      String region,
      String zone,
      String reservedRole,
      double reservedShare,
      SplittableRandom rng,
      Instant at) {
    this.index = index;
    this.id = id;
    this.hostname = hostname;
    this.ip = ip;
    this.port = port;
    this.shape = shape;
    this.attributes = Map.copyOf(attributes);
    this.region = region;
    this.zone = zone;
    this.reservedRole = reservedRole;
    this.reservedShare = reservedShare;
    this.rng = rng;
    this.targetUtilisation = 0.25 + rng.nextDouble() * 0.4;
    this.loadBase = 0.1 + rng.nextDouble() * 0.3;
    this.registeredAt = at;
    this.reregisteredAt = at;
    this.startedAt = at.minusSeconds(600 + rng.nextInt(86_400));
    this.load1 = loadBase;
    this.load5 = loadBase;
    this.load15 = loadBase;
  }

  public NodeFaults faults() {
    return faults;
  }

  public String id() {
    return id;
  }

  public String hostname() {
    return hostname;
  }

  public String ip() {
    return ip;
  }

  public int port() {
    return port;
  }

  public void setPort(int port) {
    this.port = port;
  }

  /** Whether the agent's address should accept connections. */
  public boolean listening() {
    return !removed && !faults.down && (!partitioned || partitionAnswers);
  }

  public boolean isRemoved() {
    return removed;
  }

  /**
   * Whether the leading master's /master/slaves lists it under slaves: registered with this master
   * (not only known from its registry) and not unreachable or removed.
   */
  boolean listed() {
    return !removed && !recovering() && !unreachable;
  }

  /** Whether the master lists it as active (registered and reachable). */
  boolean active() {
    return registered && !unreachable && !removed;
  }

  double usedCpus() {
    double sum = 0;
    for (SimTask t : tasks) {
      sum += t.cpus;
    }
    return sum;
  }

  double usedMem() {
    double sum = 0;
    for (SimTask t : tasks) {
      sum += t.memMb;
    }
    return sum;
  }

  double usedDisk() {
    double sum = 0;
    for (SimTask t : tasks) {
      sum += t.diskMb;
    }
    return sum;
  }

  double usedGpus() {
    return 0;
  }

  long runningTasks() {
    return tasks.stream().filter(SimTask::isRunning).count();
  }

  boolean fits(double cpus, double mem, double disk) {
    return usedCpus() + cpus <= shape.cpus() + 1e-9
        && usedMem() + mem <= shape.memMb() + 1e-9
        && usedDisk() + disk <= shape.diskMb() + 1e-9;
  }

  /** Restart: counters and uptime start over, as after an agent process restart. */
  void restart(Instant at) {
    startedAt = at;
    tasksFinished = 0;
    tasksFailed = 0;
    tasksKilled = 0;
    tasksLost = 0;
    tasksGone = 0;
    containerLaunchErrors = 0;
    fetchesSucceeded = 0;
    statusUpdates = 0;
    frameworkMessages = 0;
    executorsTerminated = 0;
    gcRemovals = 0;
  }
}
