package dev.mesoshealth.processor;

import dev.mesoshealth.processor.capacity.CapacityModel;
import dev.mesoshealth.processor.capacity.Shape;
import dev.mesoshealth.processor.health.RuleConfig;
import dev.mesoshealth.processor.topology.HealthTopology;
import dev.mesoshealth.service.ConfigException;
import dev.mesoshealth.service.Durations;
import dev.mesoshealth.service.KafkaClient;
import dev.mesoshealth.service.ServiceConfig;
import dev.mesoshealth.service.SharedConfig;
import dev.mesoshealth.service.TopicCreation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;

/** The processor's configuration: Kafka Streams, the health rules and the query API. */
public record ProcessorConfig(
    String applicationId,
    KafkaClient kafka,
    HealthTopology.Settings topology,
    String processingGuarantee,
    int standbyReplicas,
    int streamThreads,
    Path stateDir,
    Duration commitInterval,
    String apiHost,
    int apiPort,
    String advertisedHost,
    String apiToken,
    boolean allowStaleQueries,
    TopicCreation topics) {

  public static final ConfigDef DEFINITION = definition();

  private static ConfigDef definition() {
    ConfigDef d = new ConfigDef();
    d.define(
        "application.id",
        Type.STRING,
        "mesos-health-processor",
        new ConfigDef.NonEmptyString(),
        Importance.HIGH,
        "Kafka Streams application id; instances with the same id share the work.");
    SharedConfig.defineKafka(d, "Kafka Streams and its clients");
    d.define(
            SharedConfig.POLL_INTERVAL,
            Type.STRING,
            "10s",
            Durations.validator(Duration.ofMillis(500)),
            Importance.HIGH,
            "The collectors' poll interval; staleness is counted in these.")
        .define(
            "health.enter.after",
            Type.INT,
            2,
            Range.between(1, 100),
            Importance.MEDIUM,
            "K: consecutive bad evaluations before a node enters a worse state.")
        .define(
            "health.leave.after",
            Type.INT,
            3,
            Range.between(2, 100),
            Importance.MEDIUM,
            "M: consecutive better evaluations before it leaves it (must be more than K).")
        .define(
            "health.stale.after.intervals",
            Type.INT,
            3,
            Range.between(1, 100),
            Importance.MEDIUM,
            "A node with no snapshot for this many poll intervals is UNKNOWN.")
        .define(
            "rule.agent.task.failures.window",
            Type.STRING,
            "5m",
            Durations.validator(Duration.ofSeconds(10)),
            Importance.LOW,
            "Window over which failed + lost tasks are counted.")
        .define(
            "rule.agent.task.failures.threshold",
            Type.INT,
            5,
            Range.atLeast(1),
            Importance.LOW,
            "Failed + lost tasks in the window that make an agent DEGRADED.")
        .define(
            "rule.agent.load.per.cpu",
            Type.DOUBLE,
            2.0,
            Range.atLeast(0.1),
            Importance.LOW,
            "Load average (5 min) per CPU that makes an agent DEGRADED.")
        .define(
            "rule.agent.memory.free.min",
            Type.DOUBLE,
            0.05,
            Range.between(0.0, 1.0),
            Importance.LOW,
            "Share of free host memory below which an agent is DEGRADED.")
        .define(
            "rule.master.registrar.p99.ms",
            Type.DOUBLE,
            1000.0,
            Range.atLeast(1),
            Importance.LOW,
            "Registry write latency (p99, ms) above which a master is DEGRADED.")
        .define(
            "rule.master.event.queue.max",
            Type.DOUBLE,
            1000.0,
            Range.atLeast(1),
            Importance.LOW,
            "Event queue backlog (messages + dispatches) above which a master is DEGRADED.")
        .define(
            "rule.master.flapping.restarts",
            Type.INT,
            2,
            Range.atLeast(1),
            Importance.LOW,
            "Master restarts in the flapping window that make it DEGRADED.")
        .define(
            "rule.master.flapping.window",
            Type.STRING,
            "10m",
            Durations.validator(Duration.ofMinutes(1)),
            Importance.LOW,
            "Window for counting master restarts.")
        .define(
            "rule.cluster.agents.degraded.share",
            Type.DOUBLE,
            0.10,
            Range.between(0.0, 1.0),
            Importance.LOW,
            "Share of agents UNHEALTHY or UNREACHABLE that makes the cluster DEGRADED.")
        .define(
            "rule.cluster.agents.unhealthy.share",
            Type.DOUBLE,
            0.30,
            Range.between(0.0, 1.0),
            Importance.LOW,
            "Share of agents UNHEALTHY or UNREACHABLE that makes the cluster UNHEALTHY.")
        .define(
            "rule.collector.suspect.share",
            Type.DOUBLE,
            0.20,
            Range.between(0.0, 1.0),
            Importance.MEDIUM,
            "Blindness guard: when more of a collector's agents fail than this share, failures are not held against the agents.")
        .define(
            "rule.agent.executors.terminating.max",
            Type.INT,
            5,
            Range.atLeast(1),
            Importance.LOW,
            "Executors terminating at once, for K polls in a row, that make an agent DEGRADED (stuck executors).")
        .define(
            "rule.master.load.per.cpu",
            Type.DOUBLE,
            2.0,
            Range.atLeast(0.1),
            Importance.LOW,
            "Load average (5 min) per CPU that makes a master DEGRADED.")
        .define(
            "rule.leader.task.failures.window",
            Type.STRING,
            "5m",
            Durations.validator(Duration.ofSeconds(10)),
            Importance.LOW,
            "Window over which the leader's task outcomes are counted for a task storm.")
        .define(
            "rule.leader.task.failures.share",
            Type.DOUBLE,
            0.2,
            Range.between(0.0, 1.0),
            Importance.LOW,
            "Share of the tasks ended in the window that failed, were lost or were in error at which the cluster has a task storm (DEGRADED).")
        .define(
            "rule.leader.task.failures.min",
            Type.INT,
            20,
            Range.atLeast(1),
            Importance.LOW,
            "Failed + lost + error tasks in the window needed for a task storm.")
        .define(
            "rule.leader.offers.per.agent",
            Type.DOUBLE,
            1.0,
            Range.atLeast(0.0),
            Importance.LOW,
            "Outstanding offers per active agent above which frameworks hoard offers (DEGRADED).")
        .define(
            "rule.leader.agents.disconnected.share",
            Type.DOUBLE,
            0.1,
            Range.between(0.0, 1.0),
            Importance.LOW,
            "Share of registered agents disconnected from the leader that is DEGRADED (below it, said as a HEALTHY reason).")
        .define(
            "rule.leader.registry.max.bytes",
            Type.DOUBLE,
            104857600.0,
            Range.atLeast(1),
            Importance.LOW,
            "Registry size above which the leader is DEGRADED: every write and a new leader's recovery read all of it.")
        .define(
            "gone.retention",
            Type.STRING,
            "1h",
            Durations.validator(Duration.ofMinutes(1)),
            Importance.LOW,
            "How long a GONE node is kept before it is forgotten (tombstoned).")
        .define(
            "history.retention",
            Type.STRING,
            "24h",
            Durations.validator(Duration.ofMinutes(1)),
            Importance.LOW,
            "How long one-minute node summaries are kept for history queries.")
        .define(
            "processing.guarantee",
            Type.STRING,
            "exactly_once_v2",
            ValidString.in("exactly_once_v2", "at_least_once"),
            Importance.MEDIUM,
            "Kafka Streams processing guarantee.")
        .define(
            "num.standby.replicas",
            Type.INT,
            0,
            Range.between(0, 10),
            Importance.MEDIUM,
            "Standby copies of each state store on other instances, for fast fail-over and stale reads.")
        .define(
            "num.stream.threads",
            Type.INT,
            1,
            Range.between(1, 64),
            Importance.MEDIUM,
            "Stream threads in this instance.")
        .define(
            "state.dir",
            Type.STRING,
            "",
            Importance.MEDIUM,
            "Where state stores live; empty: a directory under the system temp dir.")
        .define(
            "commit.interval",
            Type.STRING,
            "100ms",
            Durations.validator(Duration.ofMillis(10)),
            Importance.LOW,
            "How often Kafka Streams commits (and so publishes, under exactly-once).")
        .define(
            "api.host",
            Type.STRING,
            "127.0.0.1",
            Importance.MEDIUM,
            "Address the REST API listens on.")
        .define(
            "api.port",
            Type.INT,
            8081,
            Range.between(0, 65535),
            Importance.MEDIUM,
            "Port of the REST API, metrics and health.")
        .define(
            "api.advertised.host",
            Type.STRING,
            "",
            Importance.MEDIUM,
            "Host name other instances use to reach this one's API; empty: api.host.")
        .define(
            "api.token",
            Type.PASSWORD,
            null,
            Importance.MEDIUM,
            "Bearer token required on every route but /health/live; empty: no auth.")
        .define(
            "query.allow.stale",
            Type.BOOLEAN,
            true,
            Importance.LOW,
            "Answer from a standby or restoring store during a rebalance instead of 503.");
    SharedConfig.defineTopicCreation(d, "the catalogue topics");
    d.define(
            "max.record.bytes",
            Type.INT,
            1024 * 1024,
            Range.atLeast(1024),
            Importance.LOW,
            "Input records larger than this go to the DLQ.")
        .define(
            "capacity.group.attributes",
            Type.LIST,
            "rack",
            Importance.MEDIUM,
            "Agent attributes to group capacity by (besides cluster, role and fault-domain zone), e.g. rack,instance_type.")
        .define(
            "capacity.task.shapes",
            Type.STRING,
            "small:0.5:512:1024,medium:2:4096:10240,large:8:32768:51200",
            Importance.MEDIUM,
            "Reference task shapes name:cpus:memMb:diskMb; the largest (by CPUs) defines the fragmentation index.")
        .define(
            "capacity.grace",
            Type.STRING,
            "30s",
            Durations.validator(Duration.ZERO),
            Importance.LOW,
            "How long after a minute ends its capacity point waits for late inventory before it is final (one inventory interval).")
        .define(
            "capacity.trend.horizons",
            Type.LIST,
            "1h,24h",
            Importance.LOW,
            "Trailing horizons of the capacity trends and forecasts.")
        .define(
            "endpoints.keep.health.results",
            Type.STRING,
            "5m",
            Durations.validator(Duration.ZERO),
            Importance.LOW,
            "After a Marathon failover blanks health-check results, the last known result is used this long.");
    return d;
  }

  public RuleConfig rules() {
    return topology.rules();
  }

  /**
   * The configuration from flags alone (key to value) over the defaults, as tests and tools set it.
   */
  public static ProcessorConfig fromFlags(java.util.Map<String, String> flags) {
    return SharedConfig.fromFlags(DEFINITION, flags, ProcessorConfig::from);
  }

  public static ProcessorConfig from(ServiceConfig c) {
    Duration poll = c.getDuration(SharedConfig.POLL_INTERVAL);
    int enter = c.getInt("health.enter.after");
    int leave = c.getInt("health.leave.after");
    if (leave <= enter) {
      throw new ConfigException(
          "health.leave.after ("
              + leave
              + ") must be more than health.enter.after ("
              + enter
              + ")");
    }
    double degraded = c.getDouble("rule.cluster.agents.degraded.share");
    double unhealthy = c.getDouble("rule.cluster.agents.unhealthy.share");
    if (unhealthy < degraded) {
      throw new ConfigException(
          "rule.cluster.agents.unhealthy.share must be at least rule.cluster.agents.degraded.share");
    }
    RuleConfig rules =
        new RuleConfig(
            poll,
            enter,
            leave,
            poll.multipliedBy(c.getInt("health.stale.after.intervals")),
            c.getDuration("rule.agent.task.failures.window"),
            c.getInt("rule.agent.task.failures.threshold"),
            c.getDouble("rule.agent.load.per.cpu"),
            c.getDouble("rule.agent.memory.free.min"),
            c.getDouble("rule.master.registrar.p99.ms"),
            c.getDouble("rule.master.event.queue.max"),
            c.getInt("rule.master.flapping.restarts"),
            c.getDuration("rule.master.flapping.window"),
            degraded,
            unhealthy,
            c.getDouble("rule.collector.suspect.share"),
            c.getDuration("gone.retention"),
            new RuleConfig.Leader(
                c.getDuration("rule.leader.task.failures.window"),
                c.getDouble("rule.leader.task.failures.share"),
                c.getInt("rule.leader.task.failures.min"),
                c.getDouble("rule.leader.offers.per.agent"),
                c.getDouble("rule.leader.agents.disconnected.share"),
                c.getDouble("rule.leader.registry.max.bytes")),
            c.getDouble("rule.master.load.per.cpu"),
            c.getInt("rule.agent.executors.terminating.max"));
    String stateDir = c.getString("state.dir");
    String advertised = c.getString("api.advertised.host");
    List<Shape> shapes;
    try {
      shapes = Shape.parseAll(c.getString("capacity.task.shapes"));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          "capacity.task.shapes: "
              + e.getMessage()
              + " ("
              + c.sourceOf("capacity.task.shapes")
              + ")");
    }
    List<Duration> horizons = new java.util.ArrayList<>();
    for (String h : c.getList("capacity.trend.horizons")) {
      try {
        horizons.add(Durations.parse(h));
      } catch (IllegalArgumentException e) {
        throw new ConfigException("capacity.trend.horizons: " + e.getMessage());
      }
    }
    if (horizons.isEmpty()) {
      throw new ConfigException("capacity.trend.horizons needs at least one duration, e.g. 1h,24h");
    }
    HealthTopology.Settings topology =
        new HealthTopology.Settings(
            rules,
            c.getDuration("history.retention"),
            c.getInt("max.record.bytes"),
            c.getList("capacity.group.attributes"),
            new CapacityModel(shapes, c.getDuration("capacity.grace"), horizons),
            c.getDuration("endpoints.keep.health.results"));
    return new ProcessorConfig(
        c.getString("application.id"),
        SharedConfig.kafka(c),
        topology,
        c.getString("processing.guarantee"),
        c.getInt("num.standby.replicas"),
        c.getInt("num.stream.threads"),
        stateDir.isBlank()
            ? Path.of(System.getProperty("java.io.tmpdir"), "mesos-health-streams")
            : Path.of(stateDir),
        c.getDuration("commit.interval"),
        c.getString("api.host"),
        c.getInt("api.port"),
        advertised.isBlank() ? c.getString("api.host") : advertised,
        c.getPassword("api.token"),
        c.getBoolean("query.allow.stale"),
        SharedConfig.topicCreation(c));
  }

  /** Secrets hidden: the configuration may be logged or shown in an error. */
  @Override
  public String toString() {
    return dev.mesoshealth.service.Redacted.toString(this, java.util.Set.of("apiToken"));
  }
}
