package dev.mesoshealth.sim.cluster;

import dev.mesoshealth.sim.SimConfig;
import dev.mesoshealth.sim.cluster.SimMaster.Counter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The simulated cluster's state: masters and who leads, agents with their machines and tasks,
 * Marathon apps, and the faults in force. {@link #tick()} advances it to the clock's time in
 * one-second steps; everything random draws from generators seeded by {@link SimConfig#seed()}, so
 * the same seed, ticks and faults give the same cluster. All methods are synchronized: the ticker,
 * the HTTP workers and the control API share one instance.
 */
public final class SimCluster {
  static final String MARATHON_ROLE = "*";

  final SimConfig config;
  private final Clock clock;
  final SplittableRandom rng;
  final String clusterUuid;
  final String marathonFrameworkId;
  final String batchFrameworkId;
  final List<SimMaster> masters = new ArrayList<>();
  final List<SimAgent> agents = new ArrayList<>();
  final List<MarathonApp> apps = new ArrayList<>();
  final NodeFaults marathonFaults = new NodeFaults();
  final Instant marathonStartedAt;

  /** Index of the elected master, -1 when none. */
  int leader;

  /** A second master claiming leadership, -1 when none. */
  int secondLeader = -1;

  boolean marathonConnected = true;
  double registrarP99Ms;
  long droppedPerSecond;
  long eventQueueBacklog;
  Ramp ramp;

  /** How a newly elected leader's agents re-register (see {@link #recoverAgents}). */
  static final Duration DEFAULT_REREGISTER_WITHIN = Duration.ofSeconds(60);

  /** Mesos' agent_reregister_timeout default. */
  static final Duration DEFAULT_REREGISTER_TIMEOUT = Duration.ofMinutes(10);

  static final double DEFAULT_REREGISTER_SLOW_SHARE = 0.05;

  Duration reregisterWithin = DEFAULT_REREGISTER_WITHIN;
  double reregisterSlowShare = DEFAULT_REREGISTER_SLOW_SHARE;
  Duration reregisterTimeout = DEFAULT_REREGISTER_TIMEOUT;

  Instant now;
  private long ticks;
  private long nextFaultId = 1;
  private long nextTaskSeq;
  private final List<FaultRecord> faultLog = new ArrayList<>();
  final Map<Long, Runnable> reverts = new LinkedHashMap<>();
  private final List<Consumer<SimCluster>> topologyListeners = new ArrayList<>();
  private final FaultApplier faultApplier = new FaultApplier(this);
  private final MarathonSim marathon = new MarathonSim(this);

  record Ramp(double fromRatio, double toRatio, Instant start, Duration duration) {}

  public SimCluster(SimConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
    this.rng = new SplittableRandom(config.seed());
    this.now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    this.clusterUuid = uuid(rng);
    this.marathonFrameworkId = clusterUuid.substring(0, 24) + "ffffffffffff-0000";
    this.batchFrameworkId = clusterUuid.substring(0, 24) + "ffffffffffff-0001";
    this.marathonStartedAt = now.minusSeconds(7200);
    for (int i = 0; i < config.masters(); i++) {
      masters.add(
          new SimMaster(
              i,
              uuid(rng),
              "master-" + (i + 1),
              SimConfig.masterIp(i),
              config.masterPort(),
              now.minusSeconds(3600 * 24 + rng.nextInt(3600))));
    }
    this.leader = 0;
    for (int i = 0; i < config.agents(); i++) {
      agents.add(newAgent(i));
    }
    int appCount =
        config.apps() > 0 ? config.apps() : Math.min(12, Math.max(3, config.agents() / 8));
    for (int i = 0; i < appCount && !agents.isEmpty(); i++) {
      apps.add(marathon.newApp(i));
    }
    for (SimAgent agent : agents) {
      fillWithBatchTasks(agent);
    }
    marathon.placeMarathonTasks();
  }

  // ---------------------------------------------------------------- queries

  public synchronized Instant now() {
    return now;
  }

  public synchronized long ticks() {
    return ticks;
  }

  public String name() {
    return config.cluster();
  }

  public synchronized List<SimMaster> masters() {
    return List.copyOf(masters);
  }

  /** Every agent ever registered, removed ones included. */
  public synchronized List<SimAgent> agents() {
    return List.copyOf(agents);
  }

  public synchronized List<MarathonApp> apps() {
    return List.copyOf(apps);
  }

  public synchronized NodeFaults marathonFaults() {
    return marathonFaults;
  }

  /** The elected master, if exactly one is elected or the first of two. */
  public synchronized Optional<SimMaster> leader() {
    return leader < 0 ? Optional.empty() : Optional.of(masters.get(leader));
  }

  public synchronized boolean isElected(SimMaster m) {
    return m.index == leader || m.index == secondLeader;
  }

  public synchronized Optional<SimAgent> agent(String idOrHost) {
    return agents.stream()
        .filter(a -> a.id.equals(idOrHost) || a.hostname.equals(idOrHost))
        .findFirst();
  }

  /** The ground-truth log: every fault injected, oldest first. */
  public synchronized List<FaultRecord> faults() {
    return List.copyOf(faultLog);
  }

  /** Called (under the lock) whenever agents are added or removed, or nodes go down or up. */
  public synchronized void onTopologyChange(Consumer<SimCluster> listener) {
    topologyListeners.add(listener);
  }

  // ---------------------------------------------------------------- rendering

  /** The agent's /metrics/snapshot values by raw key. */
  public synchronized Map<String, Double> agentMetrics(SimAgent agent) {
    return MesosJson.agentMetrics(this, agent);
  }

  /** The master's /metrics/snapshot values by raw key. */
  public synchronized Map<String, Double> masterMetrics(SimMaster master) {
    return MesosJson.masterMetrics(this, master);
  }

  public synchronized byte[] renderAgentSnapshot(SimAgent agent) {
    return MesosJson.snapshot(MesosJson.agentMetrics(this, agent), agent.faults.partial);
  }

  public synchronized byte[] renderMasterSnapshot(SimMaster master) {
    return MesosJson.snapshot(MesosJson.masterMetrics(this, master), master.faults.partial);
  }

  public synchronized byte[] renderMaintenanceSchedule() {
    return MesosJson.maintenanceSchedule(this);
  }

  public synchronized byte[] renderMaintenanceStatus() {
    return MesosJson.maintenanceStatus(this);
  }

  public synchronized byte[] renderState(SimMaster master) {
    return MesosJson.state(this, master);
  }

  public synchronized byte[] renderSlaves() {
    return MesosJson.slaves(this);
  }

  public synchronized byte[] renderStateSummary() {
    return MesosJson.stateSummary(this, leader().orElseThrow());
  }

  public synchronized byte[] renderAgentState(SimAgent agent) {
    return MesosJson.agentState(this, agent);
  }

  public synchronized byte[] renderMarathonApps(boolean embedTasks) {
    return MarathonJson.apps(this, embedTasks);
  }

  public synchronized byte[] renderMarathonTasks() {
    return MarathonJson.tasks(this);
  }

  // ------------------------------------------------------------- maintenance

  private List<Maintenance.Window> schedule = List.of();
  private final Set<Maintenance.MachineId> machinesDown = new java.util.LinkedHashSet<>();

  public synchronized List<Maintenance.Window> maintenanceSchedule() {
    return schedule;
  }

  public synchronized Set<Maintenance.MachineId> machinesDown() {
    return Set.copyOf(machinesDown);
  }

  /**
   * Replaces the schedule (POST /maintenance/schedule), as Mesos does; a DOWN machine must stay in
   * it.
   */
  public synchronized void scheduleMaintenance(List<Maintenance.Window> windows) {
    for (Maintenance.MachineId down : machinesDown) {
      if (windows.stream().noneMatch(w -> w.machines().contains(down))) {
        throw new IllegalArgumentException(
            "machine " + down + " is DOWN: it must stay in the schedule until it is UP");
      }
    }
    schedule = List.copyOf(windows);
  }

  /** POST /machine/down: scheduled machines go DOWN and their agents shut down. */
  public synchronized void machinesDown(List<Maintenance.MachineId> machines) {
    for (Maintenance.MachineId m : machines) {
      if (schedule.stream().noneMatch(w -> w.machines().contains(m))) {
        throw new IllegalArgumentException("machine " + m + " is not in the maintenance schedule");
      }
    }
    for (Maintenance.MachineId m : machines) {
      if (machinesDown.add(m)) {
        for (SimAgent a : agents) {
          if (!a.removed && m.matches(a)) {
            removeAgent(a);
            a.machineDown = true;
          }
        }
      }
    }
  }

  /** POST /machine/up: DOWN machines leave the schedule and their agents register again. */
  public synchronized void machinesUp(List<Maintenance.MachineId> machines) {
    for (Maintenance.MachineId m : machines) {
      if (!machinesDown.contains(m)) {
        throw new IllegalArgumentException("machine " + m + " is not DOWN");
      }
    }
    for (Maintenance.MachineId m : machines) {
      machinesDown.remove(m);
      List<Maintenance.Window> left = new ArrayList<>();
      for (Maintenance.Window w : schedule) {
        List<Maintenance.MachineId> rest = new ArrayList<>(w.machines());
        rest.remove(m);
        if (!rest.isEmpty()) {
          left.add(new Maintenance.Window(rest, w.start(), w.duration()));
        }
      }
      schedule = List.copyOf(left);
      for (SimAgent a : agents) {
        if (a.machineDown && m.matches(a)) {
          a.machineDown = false;
          a.removed = false;
          a.registeredAt = now;
          a.restart(now);
          leaderCount(Counter.SLAVE_REGISTRATIONS, 1);
          agentAdded(a);
        }
      }
    }
  }

  // ------------------------------------------------------- Operator API (v1) stream

  /** How often the leader sends HEARTBEAT on its event streams, as Mesos does by default. */
  static final int OPERATOR_HEARTBEAT_SECONDS = 15;

  /** One SUBSCRIBE call's event stream: each event's JSON, until the subscriber goes. */
  public interface OperatorSubscriber {
    /** False once the subscriber has gone. */
    boolean send(String eventJson);

    void close();
  }

  final List<OperatorSubscriber> operatorSubscribers = new ArrayList<>();

  /**
   * Subscribes to the leader's events (POST /api/v1 SUBSCRIBE) and returns the SUBSCRIBED event,
   * the full state, taken under the same lock as every later event, so none falls in between.
   */
  public synchronized String subscribe(OperatorSubscriber subscriber) {
    if (leader < 0) {
      throw new IllegalStateException("no elected master");
    }
    operatorSubscribers.add(subscriber);
    return MesosJson.operatorSubscribed(this, OPERATOR_HEARTBEAT_SECONDS);
  }

  /** How many event streams the leader is serving. */
  public synchronized int operatorSubscribers() {
    return operatorSubscribers.size();
  }

  void operatorEvent(String json) {
    operatorSubscribers.removeIf(s -> !s.send(json));
  }

  void agentAdded(SimAgent a) {
    if (!operatorSubscribers.isEmpty()) {
      operatorEvent(MesosJson.operatorAgentAdded(this, a));
    }
  }

  private void agentRemoved(SimAgent a) {
    if (!operatorSubscribers.isEmpty()) {
      operatorEvent(MesosJson.operatorAgentRemoved(a));
    }
  }

  private void taskUpdated(SimAgent a, SimTask t) {
    if (!operatorSubscribers.isEmpty()) {
      operatorEvent(MesosJson.operatorTaskUpdated(a, t, t.state, now));
    }
  }

  void closeOperatorStreams() {
    operatorSubscribers.forEach(OperatorSubscriber::close);
    operatorSubscribers.clear();
  }

  // ---------------------------------------------------------------- time

  /** Advances the cluster to the clock's current time, one simulated second at a time. */
  public synchronized void tick() {
    Instant target = clock.instant();
    while (!now.plusSeconds(1).isAfter(target)) {
      now = now.plusSeconds(1);
      step();
    }
  }

  private void step() {
    ticks++;
    if (ticks % OPERATOR_HEARTBEAT_SECONDS == 0) {
      operatorEvent(MesosJson.OPERATOR_HEARTBEAT);
    }
    expireFaults();
    for (SimAgent agent : agents) {
      if (!agent.removed) {
        stepRecovery(agent);
      }
      if (!agent.removed) {
        stepAgent(agent);
      }
    }
    stepRamp();
    marathon.replaceMissingMarathonTasks();
    SimMaster lead = leader < 0 ? null : masters.get(leader);
    if (lead != null) {
      lead.add(Counter.DROPPED_MESSAGES, droppedPerSecond);
      lead.add(Counter.ALLOCATION_RUNS, 1);
      lead.add(Counter.MESSAGES, 2 + rng.nextInt(5));
    }
  }

  private void stepAgent(SimAgent agent) {
    if (!agent.unreachable
        && agent.downSince != null
        && !now.isBefore(agent.downSince.plus(config.agentPingTimeout()))) {
      markUnreachable(agent);
    }
    if (agent.faults.down) {
      return;
    }
    SplittableRandom r = agent.rng;
    // batch tasks end now and then
    for (int i = agent.tasks.size() - 1; i >= 0; i--) {
      SimTask t = agent.tasks.get(i);
      if (t.isMarathon() || t.ramp) {
        continue;
      }
      if (r.nextInt(180) == 0) {
        agent.tasks.remove(i);
        int outcome = r.nextInt(100);
        if (outcome < 97) {
          agent.tasksFinished++;
          leaderCount(Counter.TASKS_FINISHED, 1);
        } else if (outcome < 99) {
          agent.tasksKilled++;
          leaderCount(Counter.TASKS_KILLED, 1);
        } else {
          agent.tasksFailed++;
          leaderCount(Counter.TASKS_FAILED, 1);
        }
        agent.executorsTerminated++;
        agent.statusUpdates += 3;
        agent.gcRemovals++;
        leaderCount(Counter.VALID_STATUS_UPDATES, 3);
      }
    }
    if (agent.registered && !agent.deactivated && r.nextInt(4) == 0) {
      launchBatchTask(agent);
    }
    if (agent.launchErrorsPerSecond > 0) {
      agent.containerLaunchErrors += agent.launchErrorsPerSecond;
      agent.tasksFailed += agent.launchErrorsPerSecond;
      leaderCount(Counter.TASKS_FAILED, agent.launchErrorsPerSecond);
    }
    agent.frameworkMessages += r.nextInt(3);
    double busy = agent.usedCpus() / agent.shape.cpus();
    double instant =
        agent.pressure
            ? agent.shape.cpus() * 3.5
            : agent.loadBase + busy * agent.shape.cpus() * 0.6 + r.nextDouble() * 0.2;
    agent.load1 = agent.load1 + (instant - agent.load1) * (1 - Math.exp(-1 / 60.0));
    agent.load5 = agent.load5 + (instant - agent.load5) * (1 - Math.exp(-1 / 300.0));
    agent.load15 = agent.load15 + (instant - agent.load15) * (1 - Math.exp(-1 / 900.0));
    if (agent.pressure) {
      agent.load1 = instant;
      agent.load5 = instant;
      agent.load15 = Math.max(agent.load15, instant * 0.8);
    }
    for (SimTask t : agent.tasks) {
      if (t.isMarathon() && t.isRunning() && t.app.healthChecks) {
        checkHealth(t);
      }
    }
  }

  private void checkHealth(SimTask t) {
    if (t.app.healthFailing) {
      t.consecutiveFailures++;
      t.lastFailure = now;
      t.lastFailureCause = "ConnectException: Connection refused";
    } else {
      t.consecutiveFailures = 0;
      t.lastSuccess = now;
      if (t.firstSuccess == null) {
        t.firstSuccess = now;
      }
    }
  }

  private void launchBatchTask(SimAgent agent) {
    double used = agent.usedCpus() / agent.shape.cpus();
    if (used >= agent.targetUtilisation) {
      return;
    }
    double cpus = new double[] {0.5, 1, 2}[agent.rng.nextInt(3)];
    double mem = 512 * (1 + agent.rng.nextInt(8));
    double disk = 1000 * (1 + agent.rng.nextInt(4));
    if (!agent.fits(cpus, mem, disk)) {
      return;
    }
    agent.tasks.add(
        new SimTask(
            "spark-" + (nextTaskSeq++),
            batchFrameworkId,
            null,
            cpus,
            mem,
            disk,
            List.of(),
            now,
            false));
    agent.fetchesSucceeded++;
    agent.statusUpdates += 2;
    leaderCount(Counter.VALID_STATUS_UPDATES, 2);
  }

  void fillWithBatchTasks(SimAgent agent) {
    for (int i = 0; i < 64; i++) {
      launchBatchTask(agent);
    }
  }

  void leaderCount(Counter counter, long n) {
    if (leader >= 0) {
      masters.get(leader).add(counter, n);
    }
    if (secondLeader >= 0) {
      masters.get(secondLeader).add(counter, n);
    }
  }

  // ---------------------------------------------------------------- capacity

  /** Share of the cluster's CPUs in use on active agents. */
  public synchronized double cpuUsedRatio() {
    double total = 0;
    double used = 0;
    for (SimAgent a : agents) {
      if (a.active()) {
        total += a.shape.cpus();
        used += a.usedCpus();
      }
    }
    return total == 0 ? 0 : used / total;
  }

  private void stepRamp() {
    if (ramp == null) {
      return;
    }
    double elapsed = Duration.between(ramp.start, now).toMillis();
    double progress = Math.min(1, elapsed / Math.max(1, ramp.duration.toMillis()));
    double desired = ramp.fromRatio + (ramp.toRatio - ramp.fromRatio) * progress;
    List<SimAgent> candidates = new ArrayList<>();
    double total = 0;
    double used = 0;
    for (SimAgent a : agents) {
      if (a.active()) {
        total += a.shape.cpus();
        used += a.usedCpus();
        if (!a.deactivated && !a.faults.down) {
          candidates.add(a);
        }
      }
    }
    while (total > 0 && used / total < desired && !candidates.isEmpty()) {
      SimAgent a = candidates.get(rng.nextInt(candidates.size()));
      double cpus = Math.min(1, a.shape.cpus() - a.usedCpus());
      double mem = Math.min(1024, a.shape.memMb() - a.usedMem());
      if (cpus < 0.1 || mem < 32 || !a.fits(cpus, mem, 0)) {
        candidates.remove(a);
        continue;
      }
      a.tasks.add(
          new SimTask(
              "ramp-" + (nextTaskSeq++),
              batchFrameworkId,
              null,
              cpus,
              mem,
              0,
              List.of(),
              now,
              true));
      used += cpus;
      leaderCount(Counter.VALID_STATUS_UPDATES, 2);
    }
  }

  void endRamp() {
    ramp = null;
    for (SimAgent a : agents) {
      int before = a.tasks.size();
      a.tasks.removeIf(t -> t.ramp);
      int killed = before - a.tasks.size();
      a.tasksKilled += killed;
      leaderCount(Counter.TASKS_KILLED, killed);
    }
  }

  // ---------------------------------------------------------------- Marathon

  /** Marathon's view: every task of every app on an agent still in the cluster. */
  synchronized List<Map.Entry<SimAgent, SimTask>> marathonTasks() {
    List<Map.Entry<SimAgent, SimTask>> tasks = new ArrayList<>();
    for (SimAgent a : agents) {
      if (a.removed) {
        continue;
      }
      for (SimTask t : a.tasks) {
        if (t.isMarathon()) {
          tasks.add(Map.entry(a, t));
        }
      }
    }
    tasks.sort(Comparator.comparing(e -> e.getValue().id));
    return tasks;
  }

  // ---------------------------------------------------------------- agents

  SimAgent newAgent(int index) {
    SplittableRandom agentRng = rng.split();
    AgentShape shape = AgentShape.pick(agentRng);
    int rack = 1 + index / 40;
    String zone = "zone-" + (char) ('a' + (index % 3));
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("rack", String.format("r%02d", rack));
    attributes.put("zone", zone);
    attributes.put("instance_type", shape.instanceType());
    int roll = agentRng.nextInt(10);
    String role = roll == 0 ? "analytics" : roll == 1 ? "web" : null;
    double share = roll == 0 ? 0.5 : roll == 1 ? 0.25 : 0;
    return new SimAgent(
        index,
        clusterUuid + "-S" + index,
        String.format("agent-%05d", index),
        SimConfig.agentIp(index),
        config.agentPort(),
        shape,
        attributes,
        "sim-region-1",
        zone,
        role,
        share,
        agentRng,
        now);
  }

  // ---------------------------------------------------------------- faults

  /** Injects a fault now; returns its ground-truth record. */
  public synchronized FaultRecord inject(FaultSpec spec) {
    long id = nextFaultId++;
    List<String> nodes = new ArrayList<>();
    String detail = faultApplier.apply(spec, nodes, id);
    Duration d = spec.duration();
    if (spec.kind() == FaultKind.BLIP && (d == null || d.isZero() || d.isNegative())) {
      d = Duration.ofMillis(1500);
    }
    boolean lasting = d != null && !d.isZero() && !d.isNegative();
    boolean instant = !reverts.containsKey(id);
    Instant plannedEnd = lasting ? now.plus(d) : null;
    FaultRecord record =
        new FaultRecord(
            id,
            spec.kind(),
            spec.target(),
            nodes,
            spec.params(),
            now,
            plannedEnd,
            instant && !lasting ? now : null,
            detail);
    if (instant && lasting) {
      reverts.put(id, () -> {});
    }
    faultLog.add(record);
    notifyTopology();
    return record;
  }

  /** Ends an active fault now. Returns the ended record, or empty if it was not active. */
  public synchronized Optional<FaultRecord> clear(long id) {
    Runnable revert = reverts.remove(id);
    if (revert == null) {
      return Optional.empty();
    }
    revert.run();
    for (int i = 0; i < faultLog.size(); i++) {
      FaultRecord r = faultLog.get(i);
      if (r.id() == id) {
        FaultRecord ended = r.ended(now);
        faultLog.set(i, ended);
        notifyTopology();
        return Optional.of(ended);
      }
    }
    return Optional.empty();
  }

  private void expireFaults() {
    for (FaultRecord r : List.copyOf(faultLog)) {
      if (r.active() && r.plannedEnd() != null && !now.isBefore(r.plannedEnd())) {
        clear(r.id());
      }
    }
  }

  private void notifyTopology() {
    for (Consumer<SimCluster> listener : topologyListeners) {
      listener.accept(this);
    }
  }

  /**
   * What a Mesos 1.1+ master does when an agent's pings fail for agent_ping_timeout x
   * max_agent_ping_timeouts: it marks the agent unreachable (no longer in /master/slaves), its
   * tasks become TASK_UNREACHABLE, and the agent, missing the master's pings too, knows it is no
   * longer registered.
   */
  private void markUnreachable(SimAgent agent) {
    agent.unreachable = true;
    agentRemoved(agent); // Mesos' __removeSlave tells subscribers, unreachable or gone
    leaderCount(Counter.SLAVE_UNREACHABLE_SCHEDULED, 1);
    leaderCount(Counter.SLAVE_UNREACHABLE_COMPLETED, 1);
    for (SimTask t : agent.tasks) {
      if (t.isMarathon()) {
        t.state = "TASK_UNREACHABLE";
        taskUpdated(agent, t);
      }
    }
  }

  /** The master hears the agent again; an unreachable one re-registers with its tasks. */
  void reachableAgain(SimAgent a) {
    a.downSince = null;
    if (a.unreachable) {
      a.unreachable = false;
      a.reregisteredAt = now;
      leaderCount(Counter.SLAVE_REREGISTRATIONS, 1);
      agentAdded(a);
      for (SimTask t : a.tasks) {
        t.state = "TASK_RUNNING";
        if (t.isMarathon()) {
          taskUpdated(a, t);
        }
      }
    }
  }

  void removeAgent(SimAgent a) {
    a.removed = true;
    agentRemoved(a);
    for (SimTask t : a.tasks) {
      if (t.isMarathon()) {
        t.state = "TASK_LOST";
        taskUpdated(a, t);
      }
    }
    int lostTasks = a.tasks.size();
    a.tasks.clear();
    leaderCount(Counter.TASKS_LOST, lostTasks);
    leaderCount(Counter.SLAVE_REMOVALS, 1);
  }

  boolean noLeaderFaultActive() {
    return faultLog.stream().anyMatch(r -> r.active() && r.kind() == FaultKind.NO_LEADER);
  }

  String leaderName() {
    return leader < 0 ? "none" : masters.get(leader).hostPort();
  }

  /** The current leader (if any) steps down and restarts; the next available master leads. */
  void failover(int from) {
    if (from >= 0) {
      masters.get(from).startedAt = now; // a Mesos master that loses leadership exits and restarts
    }
    if (secondLeader == from) {
      secondLeader = -1;
    }
    elect(firstAvailableMaster(from));
  }

  void elect(int index) {
    closeOperatorStreams(); // a master that loses the leadership exits: its streams end
    leader = index;
    if (index >= 0) {
      masters.get(index).resetCounters();
      recoverAgents();
    }
  }

  /**
   * What a newly elected Mesos master does: it knows the agents only from its registry (listed
   * under recovered_slaves, SlaveInfo alone) until each re-registers; the agents see a new leader
   * and are disconnected until then (slave/registered 0). Most come back within {@link
   * #reregisterWithin}, drawn uniformly from a sixth of it on; a share of them ({@link
   * #reregisterSlowShare}, one in twenty by default) takes up to three times as long; one that is
   * not back within {@link #reregisterTimeout} is removed (master/recovery_slave_removals).
   */
  private void recoverAgents() {
    long within = Math.max(1, reregisterWithin.toMillis());
    for (SimAgent a : agents) {
      if (a.removed) {
        continue;
      }
      long delay =
          rng.nextDouble() < reregisterSlowShare
              ? within + rng.nextLong(2 * within)
              : within / 6 + rng.nextLong(Math.max(1, within - within / 6));
      a.reregistersAt = now.plusMillis(delay);
      a.reregisterDeadline = now.plus(reregisterTimeout);
    }
    reregisterWithin = DEFAULT_REREGISTER_WITHIN;
    reregisterTimeout = DEFAULT_REREGISTER_TIMEOUT;
    reregisterSlowShare = DEFAULT_REREGISTER_SLOW_SHARE;
  }

  /** A recovering agent re-registers when its time comes, if it is up; or is removed. */
  private void stepRecovery(SimAgent a) {
    if (!a.recovering()) {
      return;
    }
    if (!a.faults.down && !now.isBefore(a.reregistersAt)) {
      a.reregistersAt = null;
      a.reregisterDeadline = null;
      a.reregisteredAt = now;
      leaderCount(Counter.SLAVE_REREGISTRATIONS, 1);
      agentAdded(a);
    } else if (!now.isBefore(a.reregisterDeadline)) {
      a.reregistersAt = null;
      a.reregisterDeadline = null;
      a.removed = true;
      leaderCount(Counter.SLAVE_REMOVALS, 1);
      leaderCount(Counter.RECOVERY_SLAVE_REMOVALS, 1);
      agentRemoved(a);
    }
  }

  /** The first master after {@code after} (cyclically) that is up; -1 when none is. */
  int firstAvailableMaster(int after) {
    for (int step = 1; step <= masters.size(); step++) {
      int i = Math.floorMod(after + step, masters.size());
      if (i != after && !masters.get(i).faults.down) {
        return i;
      }
    }
    return -1;
  }

  static String uuid(SplittableRandom rng) {
    return new UUID(rng.nextLong(), rng.nextLong()).toString();
  }
}
