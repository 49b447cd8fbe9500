package dev.mesoshealth.collector;

import dev.mesoshealth.collector.core.AgentShare;
import dev.mesoshealth.collector.discovery.MasterDiscovery;
import dev.mesoshealth.collector.discovery.ZkDiscovery;
import dev.mesoshealth.collector.http.Credentials;
import dev.mesoshealth.collector.http.DcosLoginCredentials;
import dev.mesoshealth.collector.http.HttpMesosClient;
import dev.mesoshealth.collector.http.JettyMesosClient;
import dev.mesoshealth.collector.http.MesosClient;
import dev.mesoshealth.collector.publish.EventSink;
import dev.mesoshealth.collector.publish.KafkaEventSink;
import dev.mesoshealth.collector.publish.PrintEventSink;
import dev.mesoshealth.schemas.topics.TopicCreator;
import dev.mesoshealth.schemas.topics.Topics;
import dev.mesoshealth.service.AdminServer;
import dev.mesoshealth.service.ConfigException;
import dev.mesoshealth.service.HttpApi;
import dev.mesoshealth.service.OpenFiles;
import dev.mesoshealth.service.TlsContexts;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires a collector from its configuration: HTTP client, discovery, sink, metrics, admin port. */
public final class CollectorMain implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CollectorMain.class);

  private final Collector collector;
  private final CollectorMetrics metrics;
  private final EventSink sink;
  private final AdminServer admin;
  private final ExecutorService httpThreads;
  private final MesosClient http;
  private final ShardGroup group;

  private CollectorMain(
      Collector collector,
      CollectorMetrics metrics,
      EventSink sink,
      AdminServer admin,
      ExecutorService httpThreads,
      MesosClient http,
      ShardGroup group) {
    this.collector = collector;
    this.metrics = metrics;
    this.sink = sink;
    this.admin = admin;
    this.httpThreads = httpThreads;
    this.http = http;
    this.group = group;
  }

  /** Starts a collector publishing to Kafka, with its admin port. */
  public static CollectorMain start(CollectorConfig config) {
    if (config.kafka().bootstrapServers().isBlank()) {
      throw new ConfigException("kafka.bootstrap.servers is required (or use --once --print)");
    }
    PrometheusRegistry registry = new PrometheusRegistry();
    JvmMetrics.builder().register(registry);
    CollectorMetrics metrics = new CollectorMetrics(registry);
    Map<String, Object> kafka = kafkaConfig(config);
    boolean byGroup = config.sharing().byGroup();
    CompletableFuture<Void> topicsReady = CompletableFuture.completedFuture(null);
    if (config.topics().create()) {
      topicsReady =
          TopicCreator.ensure(
              kafka,
              byGroup
                  ? List.of(
                      Topics.METRIC_SNAPSHOTS,
                      Topics.AGENT_INVENTORY,
                      Topics.TASK_INVENTORY,
                      Topics.COLLECTOR_SHARDS)
                  : List.of(Topics.METRIC_SNAPSHOTS, Topics.AGENT_INVENTORY, Topics.TASK_INVENTORY),
              config.topics().partitions(),
              config.topics().replicationFactor());
    }
    Map<String, Object> producer = new HashMap<>(kafka);
    producer.put(ProducerConfig.CLIENT_ID_CONFIG, "mesos-health-collector-" + config.collectorId());
    KafkaEventSink sink = new KafkaEventSink(producer, config.bufferBytes(), metrics, topicsReady);
    ExecutorService httpThreads = httpThreads();
    ShardGroup group =
        byGroup
            ? new ShardGroup(
                kafka, config.cluster(), config.collectorId(), config.sharing().sessionTimeout())
            : null;
    MesosClient http = client(config, httpThreads);
    Collector collector =
        build(config, http, sink, metrics, byGroup ? group : config.sharing().fixed());
    AdminServer admin =
        AdminServer.start(
            config.admin().host(),
            config.admin().port(),
            new HttpApi(),
            null,
            () -> collector.agentsTracked() > 0 || collector.leadership().leader().isPresent(),
            registry,
            2);
    // an agent the master stopped listing before this collector started: only the topic knows it
    collector.recall(InventoryRecall.read(kafka, config.cluster(), Duration.ofSeconds(5)));
    collector.start();
    if (group != null) {
      group.start(
          () -> {
            metrics.shardSlots.set(group.slots().size());
            collector.shareChanged();
          });
    }
    log.info(
        "collector {} (shard {}) polling {} every {}, publishing to {}; metrics at {}/metrics",
        config.collectorId(),
        byGroup ? "from the Kafka group" : config.sharing().fixed(),
        describeDiscovery(config),
        config.pollInterval(),
        config.kafka().bootstrapServers(),
        admin.url());
    return new CollectorMain(collector, metrics, sink, admin, httpThreads, http, group);
  }

  /**
   * Polls everything once and prints each event as a JSON line. Returns 0 when at least one master
   * answered; otherwise prints one line saying why and returns 1.
   */
  public static int once(CollectorConfig config, PrintStream out, PrintStream err) {
    try (PrintEventSink sink = new PrintEventSink(out)) {
      return once(config, sink, err);
    }
  }

  /** Polls everything once, publishes to Kafka and waits until Kafka has every event. */
  public static int onceToKafka(CollectorConfig config, PrintStream err) {
    if (config.kafka().bootstrapServers().isBlank()) {
      throw new ConfigException("kafka.bootstrap.servers is required (or add --print)");
    }
    CollectorMetrics metrics = new CollectorMetrics(new PrometheusRegistry());
    try (KafkaEventSink sink =
        new KafkaEventSink(kafkaConfig(config), config.bufferBytes(), metrics)) {
      return once(config, sink, err);
    }
  }

  private static int once(CollectorConfig config, EventSink sink, PrintStream err) {
    CollectorMetrics metrics = new CollectorMetrics(new PrometheusRegistry());
    ExecutorService httpThreads = httpThreads();
    MesosClient http = client(config, httpThreads);
    // a one-off run polls its fixed shard; with shard=kafka, everything
    try (Collector collector = build(config, http, sink, metrics, config.sharing().fixed())) {
      Collector.OnceReport report = collector.runOnce();
      if (report.mastersAnswered() == 0) {
        err.println(
            "collector: no master answered /metrics/snapshot ("
                + (report.mastersPolled() == 0
                    ? "no masters found via " + describeDiscovery(config)
                    : report.mastersPolled() + " polled")
                + ")");
        return 1;
      }
      err.println(
          "collector: "
              + report.mastersAnswered()
              + "/"
              + report.mastersPolled()
              + " masters answered, "
              + report.leadership().describe()
              + ", "
              + report.agentsPolled()
              + " agents polled, "
              + report.tasks()
              + " Marathon tasks");
      return 0;
    } finally {
      closeClient(http);
      httpThreads.shutdownNow();
    }
  }

  static Collector build(
      CollectorConfig config,
      EventSink sink,
      CollectorMetrics metrics,
      ExecutorService httpThreads,
      AgentShare share) {
    return build(config, client(config, httpThreads), sink, metrics, share);
  }

  static Collector build(
      CollectorConfig config,
      MesosClient http,
      EventSink sink,
      CollectorMetrics metrics,
      AgentShare share) {
    return new Collector(config, http, discovery(config), sink, Clock.systemUTC(), metrics, share);
  }

  /** The client the polls go through (http.client); close it after the last poll completed. */
  static MesosClient client(CollectorConfig config, ExecutorService httpThreads) {
    // The JDK client reads these once: bound idle keep-alive connections so thousands of agents
    // do not hold thousands of open files between polls.
    Duration keepAlive = Duration.ofSeconds(Math.max(5, config.pollInterval().toSeconds() * 3));
    int idle = config.http().idleConnections(OpenFiles.limit());
    // the JDK client's own setting counts idle connections, 0 for unbounded
    System.setProperty(
        "jdk.httpclient.connectionPoolSize",
        Integer.toString(
            config.http().client() == CollectorConfig.HttpClientKind.JDK ? jdkPool(idle) : 1024));
    System.setProperty("jdk.httpclient.keepalive.timeout", Long.toString(keepAlive.toSeconds()));
    if (java.util.concurrent.ForkJoinPool.getCommonPoolParallelism() < 2) {
      log.warn(
          "the common pool has a parallelism of 1, so the JDK HTTP client starts a thread for"
              + " every response; run java with"
              + " -Djava.util.concurrent.ForkJoinPool.common.parallelism=2");
    }
    Path ca = config.http().caBundle();
    SSLContext tls = ca == null ? null : TlsContexts.trusting(ca);
    Duration connectTimeout =
        Duration.ofMillis(Math.min(config.http().timeout().toMillis(), 3_000));
    HttpClient client = HttpMesosClient.newHttpClient(connectTimeout, tls, httpThreads);
    Credentials credentials = credentials(config, client);
    HttpMesosClient jdk = new HttpMesosClient(client, config.http().timeout(), credentials);
    return switch (config.http().client()) {
      case JDK -> jdk;
      case JETTY -> {
        log.info(
            "polling through Jetty's HTTP client, keeping at most {} connections open",
            idle == Integer.MAX_VALUE ? "all" : idle);
        yield JettyMesosClient.start(
            connectTimeout, keepAlive, idle, tls, config.http().timeout(), credentials, jdk);
      }
    };
  }

  private static int jdkPool(int idle) {
    return idle == Integer.MAX_VALUE ? 0 : idle;
  }

  private static void closeClient(MesosClient http) {
    if (http instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (Exception e) {
        log.warn("closing the HTTP client: {}", e.toString());
      }
    }
  }

  private static ExecutorService httpThreads() {
    return Executors.newFixedThreadPool(
        Math.max(2, Runtime.getRuntime().availableProcessors()),
        r -> {
          Thread t = new Thread(r, "collector-http");
          t.setDaemon(true);
          return t;
        });
  }

  static Credentials credentials(CollectorConfig config, HttpClient client) {
    CollectorConfig.Auth auth = config.auth();
    return switch (auth.mode()) {
      case BASIC -> Credentials.basic(auth.user(), auth.secret());
      case BEARER -> Credentials.bearer(auth.secret());
      case DCOS_TOKEN -> Credentials.dcosToken(auth.secret());
      case DCOS_LOGIN ->
          new DcosLoginCredentials(
              auth.dcosLoginUrl(),
              auth.dcosUid(),
              DcosLoginCredentials.readPrivateKey(auth.dcosPrivateKey()),
              client,
              Clock.systemUTC());
      case NONE -> Credentials.NONE;
    };
  }

  static MasterDiscovery discovery(CollectorConfig config) {
    CollectorConfig.Mesos mesos = config.mesos();
    return switch (mesos.discovery()) {
      case ZK -> new ZkDiscovery(mesos.zk(), mesos.scheme());
      case STATIC, REDIRECT -> MasterDiscovery.fixed(mesos.masters());
    };
  }

  private static String describeDiscovery(CollectorConfig config) {
    CollectorConfig.Mesos mesos = config.mesos();
    return mesos.discovery() == CollectorConfig.Discovery.ZK
        ? "masters in " + mesos.zk()
        : "masters " + mesos.masters();
  }

  static Map<String, Object> kafkaConfig(CollectorConfig config) {
    return config.kafka().properties();
  }

  public int adminPort() {
    return admin.port();
  }

  public Collector collector() {
    return collector;
  }

  public CollectorMetrics metrics() {
    return metrics;
  }

  /** Stops polling, waits for the polls already started, then until their events are delivered. */
  public void stopPollingAndFlush() throws InterruptedException {
    collector.close();
    leaveGroup();
    if (!collector.awaitSnapshotPolls(Duration.ofSeconds(30))) {
      log.warn("stopping: some polls still running after 30 s are not counted");
    }
    sink.flush();
  }

  /** With shard=kafka: the others take this collector's agents now, not after the timeout. */
  private void leaveGroup() {
    if (group != null) {
      group.close();
    }
  }

  @Override
  public void close() {
    collector.close();
    leaveGroup();
    sink.close();
    admin.close();
    closeClient(http);
    httpThreads.shutdownNow();
  }
}
