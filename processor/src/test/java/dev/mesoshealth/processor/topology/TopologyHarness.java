package dev.mesoshealth.processor.topology;

import dev.mesoshealth.events.AgentInventory;
import dev.mesoshealth.events.CollectorRef;
import dev.mesoshealth.events.DeadLetter;
import dev.mesoshealth.events.HealthState;
import dev.mesoshealth.events.HealthStatus;
import dev.mesoshealth.events.HealthTransition;
import dev.mesoshealth.events.MetricSnapshot;
import dev.mesoshealth.events.NodeRef;
import dev.mesoshealth.events.NodeRole;
import dev.mesoshealth.events.Outcome;
import dev.mesoshealth.processor.health.RuleConfig;
import dev.mesoshealth.schemas.topics.Topics;
import dev.mesoshealth.testkit.SampleEvents;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The health topology in a TopologyTestDriver, with helpers that speak the domain: an agent's
 * snapshot at a time, a round of master polls, an inventory entry. Wall clock and event time start
 * together at {@link #T0} and move only when a test moves them.
 */
public final class TopologyHarness implements AutoCloseable {
  public static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");
  public static final String CLUSTER = "prod";
  static final List<String> MASTERS =
      List.of("master:10.0.1.1:5050", "master:10.0.1.2:5050", "master:10.0.1.3:5050");

  public final TopologyTestDriver driver;
  private final Duration interval;
  public final HealthTopology.Settings settings;
  final TestInputTopic<String, MetricSnapshot> snapshots;
  public final TestInputTopic<String, AgentInventory> inventory;
  final TestInputTopic<String, byte[]> rawSnapshots;
  final TestInputTopic<String, byte[]> rawInventory;
  final TestOutputTopic<String, HealthState> states;
  final TestOutputTopic<String, HealthTransition> transitions;
  final TestOutputTopic<String, DeadLetter> dlq;
  final List<TestRecord<String, HealthState>> stateLog = new ArrayList<>();
  final List<TestRecord<String, HealthTransition>> transitionLog = new ArrayList<>();

  /**
   * Lets wall time pass as it does for a running processor: in steps of a poll interval, each a
   * clock check (one jump is one check that comes late, as from a processor held up, and that
   * judges nothing).
   */
  public void passWallTime(Duration d) {
    for (Duration left = d; !left.isNegative() && !left.isZero(); left = left.minus(interval)) {
      driver.advanceWallClockTime(left.compareTo(interval) < 0 ? left : interval);
    }
  }

  public TopologyHarness() {
    this(RuleConfig.defaults());
  }

  TopologyHarness(RuleConfig rules) {
    this.interval = rules.pollInterval();
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "health-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
    // a directory of its own: two harnesses at once (two instances in one test) must not share
    props.put(StreamsConfig.STATE_DIR_CONFIG, TestStateDirs.create().toString());
    settings = HealthTopology.Settings.defaults().withRules(rules).withMaxRecordBytes(64 * 1024);
    driver =
        new TopologyTestDriver(HealthTopology.build(settings, TopologyMetrics.NONE), props, T0);
    snapshots =
        driver.createInputTopic(
            Topics.METRIC_SNAPSHOTS.name(),
            new StringSerializer(),
            Topics.METRIC_SNAPSHOTS.valueSerde().serializer());
    inventory =
        driver.createInputTopic(
            Topics.AGENT_INVENTORY.name(),
            new StringSerializer(),
            Topics.AGENT_INVENTORY.valueSerde().serializer());
    rawSnapshots =
        driver.createInputTopic(
            Topics.METRIC_SNAPSHOTS.name(), new StringSerializer(), new ByteArraySerializer());
    rawInventory =
        driver.createInputTopic(
            Topics.AGENT_INVENTORY.name(), new StringSerializer(), new ByteArraySerializer());
    states =
        driver.createOutputTopic(
            Topics.HEALTH_STATES.name(),
            new StringDeserializer(),
            Topics.HEALTH_STATES.valueSerde().deserializer());
    transitions =
        driver.createOutputTopic(
            Topics.HEALTH_TRANSITIONS.name(),
            new StringDeserializer(),
            Topics.HEALTH_TRANSITIONS.valueSerde().deserializer());
    dlq =
        driver.createOutputTopic(
            Topics.DLQ.name(), new StringDeserializer(), Topics.DLQ.valueSerde().deserializer());
  }

  // ------------------------------------------------------------ inputs

  public static Map<String, Double> healthyAgentMetrics() {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("mesos.stats.registered", 1.0);
    m.put("mesos.slave.recovery_errors", 0.0);
    m.put("mesos.slave.tasks_failed", 10.0);
    m.put("mesos.slave.tasks_lost", 1.0);
    m.put("mesos.slave.container_launch_errors", 0.0);
    m.put("mesos.stats.system.load_5min", 1.5);
    m.put("mesos.stats.system.cpus_total", 8.0);
    m.put("mesos.stats.system.mem_free_bytes", 8e9);
    m.put("mesos.stats.system.mem_total_bytes", 32e9);
    m.put("mesos.slave.cpus_percent", 0.4);
    m.put("mesos.slave.tasks_running", 6.0);
    return m;
  }

  static Map<String, Double> healthyMasterMetrics(boolean elected) {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("mesos.stats.elected", elected ? 1.0 : 0.0);
    m.put("mesos.stats.uptime_secs", 86_400.0);
    m.put("mesos.stats.system.load_5min", 0.5);
    m.put("mesos.stats.system.cpus_total", 4.0);
    m.put("mesos.stats.system.mem_free_bytes", 9e9);
    m.put("mesos.stats.system.mem_total_bytes", 16e9);
    if (elected) {
      m.put("mesos.registrar.state_store_ms.p99", 20.0);
      m.put("mesos.cluster.dropped_messages", 3.0);
      m.put("mesos.cluster.event_queue_messages", 2.0);
      m.put("mesos.cluster.event_queue_dispatches", 5.0);
      m.put("mesos.cluster.frameworks_disconnected", 0.0);
      m.put("mesos.cluster.slaves_disconnected", 0.0);
      m.put("mesos.cluster.slaves_connected", 100.0);
      m.put("mesos.cluster.slaves_active", 100.0);
      m.put("mesos.cluster.outstanding_offers", 40.0);
      m.put("mesos.cluster.frameworks_inactive", 0.0);
      m.put("mesos.cluster.tasks_failed", 10.0);
      m.put("mesos.cluster.tasks_finished", 1000.0);
      m.put("mesos.registrar.registry_size_bytes", 90_000.0);
    }
    return m;
  }

  static MetricSnapshot snapshot(
      String id,
      NodeRole role,
      Instant at,
      Outcome outcome,
      Map<String, Double> metrics,
      Boolean elected,
      CollectorRef collector) {
    String host =
        role == NodeRole.MASTER
            ? id.substring("master:".length(), id.lastIndexOf(':'))
            : "host-" + id;
    return MetricSnapshot.newBuilder()
        .setNode(
            new NodeRef(
                CLUSTER, role, id, host, host + (role == NodeRole.MASTER ? ":5050" : ":5051")))
        .setPolledAt(at)
        .setDurationMs(5)
        .setOutcome(outcome)
        .setError(outcome == Outcome.OK ? null : "connection refused")
        .setElected(elected)
        .setMetrics(metrics)
        .setCollector(collector)
        .build();
  }

  public void agent(String id, Instant at, Map<String, Double> metrics) {
    snapshots.pipeInput(
        id,
        snapshot(
            id,
            NodeRole.AGENT,
            at,
            Outcome.OK,
            metrics,
            null,
            new CollectorRef("c1", "0/1", 100, 0, MASTERS.size())),
        at);
  }

  public void agentFailed(
      String id, Instant at, Outcome outcome, int collectorTracked, int collectorFailing) {
    snapshots.pipeInput(
        id,
        snapshot(
            id,
            NodeRole.AGENT,
            at,
            outcome,
            Map.of(),
            null,
            new CollectorRef("c1", "0/1", collectorTracked, collectorFailing, MASTERS.size())),
        at);
  }

  void master(int index, Instant at, Map<String, Double> metrics, boolean elected) {
    master(index, at, metrics, elected, new CollectorRef("c1", "0/1", 100, 0, MASTERS.size()));
  }

  void master(
      int index, Instant at, Map<String, Double> metrics, boolean elected, CollectorRef collector) {
    String id = MASTERS.get(index);
    snapshots.pipeInput(
        id, snapshot(id, NodeRole.MASTER, at, Outcome.OK, metrics, elected, collector), at);
  }

  void masterFailed(int index, Instant at) {
    String id = MASTERS.get(index);
    snapshots.pipeInput(
        id,
        snapshot(
            id,
            NodeRole.MASTER,
            at,
            Outcome.UNREACHABLE,
            Map.of(),
            null,
            new CollectorRef("c1", "0/1", 100, 0, MASTERS.size())),
        at);
  }

  /** One poll of every master, the first elected with healthy metrics. */
  public void mastersRound(Instant at) {
    for (int i = 0; i < MASTERS.size(); i++) {
      master(i, at, healthyMasterMetrics(i == 0), i == 0);
    }
  }

  public void agentListed(
      String id, Instant at, boolean active, boolean deactivated, String drainState) {
    AgentInventory a = SampleEvents.agentInventory(id);
    a.setCluster(CLUSTER);
    a.setActive(active);
    a.setDeactivated(deactivated);
    a.setDrainState(drainState);
    a.setObservedAt(at);
    inventory.pipeInput(id, a, at);
  }

  /** The agent as a newly elected master lists it: under recovered_slaves, re-registering. */
  void agentRecovering(String id, Instant at) {
    AgentInventory a = SampleEvents.agentInventory(id);
    a.setCluster(CLUSTER);
    a.setPid(null);
    a.setRecovering(true);
    a.setObservedAt(at);
    inventory.pipeInput(id, a, at);
  }

  /** The leader no longer lists the agent (Mesos 1.1+: marked unreachable, or it shut down). */
  void agentUnlisted(String id, Instant since, Instant at) {
    AgentInventory a = SampleEvents.agentInventory(id);
    a.setCluster(CLUSTER);
    a.setActive(false);
    a.setUnlistedSince(since);
    a.setObservedAt(at);
    inventory.pipeInput(id, a, at);
  }

  /** The agent's machine in the leader's maintenance schedule (DRAINING, or DOWN and unlisted). */
  void agentInMaintenance(String id, String mode, Instant start, Instant end, Instant at) {
    AgentInventory a = SampleEvents.agentInventory(id);
    a.setCluster(CLUSTER);
    a.setMaintenanceMode(mode);
    a.setMaintenanceStart(start);
    a.setMaintenanceEnd(end);
    if (mode.equals("DOWN")) {
      a.setActive(false);
      a.setUnlistedSince(at);
    }
    a.setObservedAt(at);
    inventory.pipeInput(id, a, at);
  }

  void agentLeft(String id, Instant at) {
    inventory.pipeInput(id, null, at);
  }

  // ------------------------------------------------------------ outputs

  /** Reads everything emitted so far into the logs. */
  void drain() {
    stateLog.addAll(states.readRecordsToList());
    transitionLog.addAll(transitions.readRecordsToList());
  }

  HealthState latest(String key) {
    drain();
    HealthState latest = null;
    for (TestRecord<String, HealthState> r : stateLog) {
      if (r.key().equals(key)) {
        latest = r.value();
      }
    }
    return latest;
  }

  HealthStatus stateOf(String key) {
    HealthState s = latest(key);
    return s == null ? null : s.getState();
  }

  List<HealthTransition> transitionsOf(String key) {
    drain();
    return transitionLog.stream().filter(r -> r.key().equals(key)).map(TestRecord::value).toList();
  }

  List<String> transitionPath(String key) {
    List<String> path = new ArrayList<>();
    for (HealthTransition t : transitionsOf(key)) {
      path.add(t.getFrom() + ">" + t.getTo());
    }
    return path;
  }

  public static Map<String, Double> with(Map<String, Double> base, Object... keyValues) {
    Map<String, Double> m = new HashMap<>(base);
    for (int i = 0; i < keyValues.length; i += 2) {
      if (keyValues[i + 1] == null) {
        m.remove((String) keyValues[i]);
      } else {
        m.put((String) keyValues[i], ((Number) keyValues[i + 1]).doubleValue());
      }
    }
    return m;
  }

  public static Instant t(int seconds) {
    return T0.plusSeconds(seconds);
  }

  @Override
  public void close() {
    driver.close();
  }
}
