package dev.mesoshealth.processor;

import dev.mesoshealth.processor.query.HealthSeries;
import dev.mesoshealth.processor.query.ProcessorApi;
import dev.mesoshealth.processor.topology.HealthTopology;
import dev.mesoshealth.schemas.topics.TopicCreator;
import dev.mesoshealth.schemas.topics.Topics;
import dev.mesoshealth.service.AdminServer;
import dev.mesoshealth.service.ConfigException;
import dev.mesoshealth.service.HttpAuth;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires the processor: topics, the Streams application, its REST API, metrics and health. */
public final class ProcessorMain implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ProcessorMain.class);

  /** The most a stop waits for Kafka Streams to commit, close its stores and leave the group. */
  public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(15);

  private final KafkaStreams streams;
  private final AdminServer api;
  private final ProcessorMetrics metrics;

  private ProcessorMain(KafkaStreams streams, AdminServer api, ProcessorMetrics metrics) {
    this.streams = streams;
    this.api = api;
    this.metrics = metrics;
  }

  public static ProcessorMain start(ProcessorConfig config) {
    PrometheusRegistry registry = new PrometheusRegistry();
    JvmMetrics.builder().register(registry);
    ProcessorMetrics metrics = new ProcessorMetrics(registry);
    Map<String, Object> kafka = config.kafka().properties();
    if (config.topics().create()) {
      log.info("making sure the topics exist on {}", config.kafka().bootstrapServers());
      TopicCreator.ensure(
              kafka,
              Topics.all(),
              config.topics().partitions(),
              config.topics().replicationFactor())
          .join();
    }
    requireCoPartitioned(kafka);
    // bound before Streams is built: application.server must name the port the API serves on
    AdminServer.Listener listener = AdminServer.listen(config.apiHost(), config.apiPort());
    try {
      return start(config, listener, registry, metrics, kafka);
    } catch (RuntimeException e) {
      listener.server().stop(0); // the port is not left bound by a processor that never ran
      throw e;
    }
  }

  /**
   * Snapshots and the agent inventory meet in one task per partition, keyed by agent id: with
   * different partition counts an agent's inventory lands in another task than its snapshots and
   * the agent is judged twice, once without data (UNKNOWN). Kafka Streams does not check this for
   * merged streams, so the processor refuses to start. (A topic a client created by accident takes
   * the broker's num.partitions, usually 1.)
   */
  static void requireCoPartitioned(Map<String, Object> kafka) {
    Map<String, Integer> counts =
        TopicCreator.partitionCounts(
            kafka,
            List.of(Topics.METRIC_SNAPSHOTS, Topics.AGENT_INVENTORY),
            Duration.ofSeconds(10)); // a broker not answering yet: Kafka Streams waits for it
    Integer snapshots = counts.get(Topics.METRIC_SNAPSHOTS.name());
    Integer inventory = counts.get(Topics.AGENT_INVENTORY.name());
    if (snapshots != null && inventory != null && !snapshots.equals(inventory)) {
      throw new ConfigException(
          Topics.AGENT_INVENTORY.name()
              + " has "
              + inventory
              + " partition(s) and "
              + Topics.METRIC_SNAPSHOTS.name()
              + " "
              + snapshots
              + ": the processor reads them together by agent id and needs the same count; delete "
              + Topics.AGENT_INVENTORY.name()
              + " and restart a collector, which creates it with topics.partitions and rewrites it"
              + " within an inventory interval");
    }
  }

  private static ProcessorMain start(
      ProcessorConfig config,
      AdminServer.Listener listener,
      PrometheusRegistry registry,
      ProcessorMetrics metrics,
      Map<String, Object> kafka) {
    HostInfo self = new HostInfo(config.advertisedHost(), listener.port());
    Topology topology = HealthTopology.build(config.topology(), metrics);
    KafkaStreams streams = new KafkaStreams(topology, streamsProperties(config, kafka, self));
    streams.setUncaughtExceptionHandler(
        e -> {
          log.error("stream thread failed, replacing it: {}", e.toString(), e);
          return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
    streams.setStateListener((now, before) -> log.info("processor {} -> {}", before, now));
    HealthSeries.register(streams, registry);
    GaugeWithCallback.builder()
        .name("mesos_health_processor_running")
        .help("1 while the Kafka Streams application is RUNNING.")
        .callback(cb -> cb.call(streams.state() == KafkaStreams.State.RUNNING ? 1 : 0))
        .register(registry);
    ProcessorApi processorApi =
        new ProcessorApi(
            streams,
            self,
            config.apiToken(),
            config.allowStaleQueries(),
            config.topology(),
            Clock.systemUTC());
    AdminServer api =
        AdminServer.start(
            listener,
            processorApi.routes(),
            HttpAuth.bearer(config.apiToken()),
            Map.of(),
            () -> streams.state() == KafkaStreams.State.RUNNING,
            registry,
            4);
    streams.start();
    log.info("processor {} started; REST API at {}", config.applicationId(), api.url());
    return new ProcessorMain(streams, api, metrics);
  }

  static Properties streamsProperties(
      ProcessorConfig config, Map<String, Object> kafka, HostInfo self) {
    Properties p = new Properties();
    p.putAll(kafka);
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, config.processingGuarantee());
    p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, config.standbyReplicas());
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.streamThreads());
    p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.commitInterval().toMillis());
    p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, self.host() + ":" + self.port());
    p.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) config.topics().replicationFactor());
    // snapshots and inventory are each judged on their own: no task waits for an empty partition
    // (waiting cost a seventh of the stream thread in the benchmark: docs/design.md)
    p.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, -1L);
    p.put(StreamsConfig.consumerPrefix("session.timeout.ms"), 10_000);
    p.put(StreamsConfig.consumerPrefix("heartbeat.interval.ms"), 1_000);
    return p;
  }

  public KafkaStreams streams() {
    return streams;
  }

  public String apiUrl() {
    return api.url();
  }

  public int apiPort() {
    return api.port();
  }

  /** Snapshots evaluated since start. */
  public long evaluations() {
    return metrics.evaluationsTotal();
  }

  /** Health transitions emitted since start. */
  public long transitions() {
    return metrics.transitionsTotal();
  }

  @Override
  public void close() {
    // leave the group: a planned stop hands its partitions over now, not after the session timeout
    // (10 s during which half the cluster's health would not be evaluated)
    streams.close(
        CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
            .withTimeout(CLOSE_TIMEOUT));
    api.close();
  }
}
