package dev.mesoshealth.launcher;

import dev.mesoshealth.broker.EmbeddedKafkaBroker;
import dev.mesoshealth.collector.CollectorConfig;
import dev.mesoshealth.collector.CollectorMain;
import dev.mesoshealth.console.ConsoleConfig;
import dev.mesoshealth.console.ConsoleMain;
import dev.mesoshealth.processor.ProcessorConfig;
import dev.mesoshealth.processor.ProcessorMain;
import dev.mesoshealth.service.ConfigException;
import dev.mesoshealth.service.Durations;
import dev.mesoshealth.service.ServiceConfig;
import dev.mesoshealth.service.SharedConfig;
import dev.mesoshealth.sim.MesosSimulator;
import dev.mesoshealth.sim.PipelineFlags;
import dev.mesoshealth.sim.SimConfig;
import dev.mesoshealth.sim.scenario.Scenario;
import dev.mesoshealth.updaters.alerts.AlerterConfig;
import dev.mesoshealth.updaters.alerts.AlerterMain;
import dev.mesoshealth.updaters.etcd.EtcdUpdaterConfig;
import dev.mesoshealth.updaters.etcd.EtcdUpdaterMain;
import dev.mesoshealth.updaters.haproxy.HaproxyUpdaterConfig;
import dev.mesoshealth.updaters.haproxy.HaproxyUpdaterMain;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole pipeline in one JVM: an embedded Kafka broker (or an existing one), a simulated cluster
 * playing a scenario, the collector, the processor and the console. Closing it stops everything in
 * reverse order; a kept data directory makes the next start quick.
 */
public final class Demo implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Demo.class);
  public static final String CLUSTER = "demo";

  /**
   * What to run.
   *
   * @param kafkaPort port of the embedded broker (its controller uses the next one); 0: any
   * @param apiPort processor REST port; 0: any
   * @param consolePort web console port; 0: any
   * @param standardSimPorts masters on 5050, agents on 5051, Marathon on 8080, control on 5099;
   *     false: any free ports (tests)
   * @param haproxySocket an HAProxy admin socket to run the HAProxy updater against in dry run, or
   *     null
   * @param etcdEndpoints an etcd to run the etcd updater against, or null
   * @param alertmanager an Alertmanager to run the alerter against, or null
   */
  public record Options(
      int agents,
      int masters,
      Duration pollInterval,
      long seed,
      Path scenario,
      int apiPort,
      int consolePort,
      String bootstrapServers,
      Path dataDir,
      boolean fresh,
      int kafkaPort,
      boolean standardSimPorts,
      String haproxySocket,
      String etcdEndpoints,
      String alertmanager) {}

  private final List<AutoCloseable> parts = new ArrayList<>();
  private EmbeddedKafkaBroker broker;
  private MesosSimulator sim;
  private ProcessorMain processor;
  private ConsoleMain console;
  private String bootstrapServers;

  private Demo() {}

  public static Demo start(Options o, PrintStream out) {
    Demo demo = new Demo();
    try {
      demo.run(o, out);
      return demo;
    } catch (RuntimeException e) {
      demo.close();
      throw e;
    }
  }

  private void run(Options o, PrintStream out) {
    Path data = o.dataDir().toAbsolutePath();
    if (o.fresh()) {
      deleteRecursively(data);
    }
    try {
      Files.createDirectories(data);
    } catch (IOException e) {
      throw new ConfigException(
          "cannot create the data directory "
              + data
              + " ("
              + e.getMessage()
              + "); choose another with --data-dir");
    }
    if (!Files.isWritable(data)) {
      throw new ConfigException(
          "the data directory " + data + " is not writable; choose another with --data-dir");
    }
    Scenario scenario = loadScenario(o.scenario());
    if (o.apiPort() != 0) {
      requireFree("127.0.0.1", o.apiPort(), "the processor REST API", "--api-port");
    }
    if (o.consolePort() != 0) {
      requireFree("127.0.0.1", o.consolePort(), "the web console", "--console-port");
    }

    if (o.bootstrapServers() == null) {
      int kafkaPort = o.kafkaPort() == 0 ? EmbeddedKafkaBroker.freePort() : o.kafkaPort();
      int controllerPort =
          o.kafkaPort() == 0 ? EmbeddedKafkaBroker.freePortOtherThan(kafkaPort) : o.kafkaPort() + 1;
      if (o.kafkaPort() != 0) {
        requireFree("127.0.0.1", kafkaPort, "the embedded Kafka broker", "--kafka-port");
        requireFree(
            "127.0.0.1",
            controllerPort,
            "the embedded Kafka controller (--kafka-port + 1)",
            "--kafka-port");
      }
      broker =
          EmbeddedKafkaBroker.startPersistent(data.resolve("kafka"), kafkaPort, controllerPort);
      parts.add(broker);
      bootstrapServers = broker.bootstrapServers();
    } else {
      bootstrapServers = o.bootstrapServers();
    }

    SimConfig simConfig =
        new SimConfig(
            CLUSTER,
            o.masters(),
            o.agents(),
            o.seed(),
            0,
            0,
            0,
            0,
            0,
            SimConfig.LOOPBACK,
            Duration.ofSeconds(75),
            false);
    if (o.standardSimPorts()) {
      for (int i = 0; i < o.masters(); i++) {
        requireFree(SimConfig.masterIp(i), 5050, "simulated master " + (i + 1), "--sim-ports any");
      }
      requireFree(SimConfig.marathonIp(), 8080, "simulated Marathon", "--sim-ports any");
      requireFree("127.0.0.1", 5099, "the simulator control API", "--sim-ports any");
      simConfig = simConfig.withPorts(5050, 5051, 8080, 5099);
    }
    sim = MesosSimulator.start(simConfig);
    parts.add(sim);
    sim.play(scenario);

    PipelineFlags.Pace pace = PipelineFlags.Pace.of(o.pollInterval());
    Map<String, String> c = PipelineFlags.collector(CLUSTER, sim, bootstrapServers, pace, 4);
    c.put("collector.id", "demo-collector");
    Map<String, String> p =
        PipelineFlags.processor(
            "mesos-health-demo", bootstrapServers, pace, 4, data.resolve("streams"));
    p.put("api.port", Integer.toString(o.apiPort())); // 0: the processor binds any free port
    parts.add(CollectorMain.start(CollectorConfig.from(read(CollectorConfig.DEFINITION, c))));
    processor = ProcessorMain.start(ProcessorConfig.from(read(ProcessorConfig.DEFINITION, p)));
    parts.add(processor);

    Map<String, String> w = new HashMap<>();
    w.put(SharedConfig.KAFKA_BOOTSTRAP_SERVERS, bootstrapServers);
    w.put("http.port", Integer.toString(o.consolePort()));
    w.put("processor.url", processor.apiUrl());
    console = ConsoleMain.start(ConsoleConfig.from(read(ConsoleConfig.DEFINITION, w)));
    parts.add(console);

    if (o.haproxySocket() != null) {
      Map<String, String> h = new HashMap<>();
      h.put(SharedConfig.KAFKA_BOOTSTRAP_SERVERS, bootstrapServers);
      h.put("haproxy.sockets", o.haproxySocket());
      h.put(SharedConfig.DRY_RUN, "true");
      h.put(SharedConfig.ADMIN_PORT, "0");
      parts.add(
          HaproxyUpdaterMain.start(
              HaproxyUpdaterConfig.from(read(HaproxyUpdaterConfig.DEFINITION, h))));
    }
    if (o.etcdEndpoints() != null) {
      Map<String, String> e = new HashMap<>();
      e.put(SharedConfig.KAFKA_BOOTSTRAP_SERVERS, bootstrapServers);
      e.put("etcd.endpoints", o.etcdEndpoints());
      e.put("etcd.prefix", "/mesos-health-demo");
      e.put(SharedConfig.ADMIN_PORT, "0");
      parts.add(
          EtcdUpdaterMain.start(EtcdUpdaterConfig.from(read(EtcdUpdaterConfig.DEFINITION, e))));
    }

    if (o.alertmanager() != null) {
      Map<String, String> a = new HashMap<>();
      a.put(SharedConfig.KAFKA_BOOTSTRAP_SERVERS, bootstrapServers);
      a.put("alertmanager.urls", o.alertmanager());
      a.put("console.url", console.url());
      a.put("processor.url", processor.apiUrl());
      a.put(SharedConfig.ADMIN_PORT, "0");
      parts.add(AlerterMain.start(AlerterConfig.from(read(AlerterConfig.DEFINITION, a))));
    }

    out.println();
    out.println(
        "mesos-health demo: "
            + o.masters()
            + " masters, "
            + o.agents()
            + " agents, polled every "
            + Durations.format(o.pollInterval())
            + (o.scenario() == null ? ", default scenario" : ", scenario " + o.scenario()));
    out.println("  Console:         " + console.url() + "/");
    out.println(
        "  REST API:        "
            + processor.apiUrl()
            + "/v1/clusters/"
            + CLUSTER
            + "/health   (also /v1/nodes, /v1/nodes/{id}/health)");
    out.println(
        "  Kafka:           "
            + bootstrapServers
            + (broker != null ? "   (embedded, data in " + data.resolve("kafka") + ")" : ""));
    out.println(
        "  Simulator:       "
            + sim.controlUrl()
            + "/v1/faults   (POST a fault, e.g. {\"kind\":\"DOWN\",\"target\":\"random-agent\"})");
    out.println("  Masters:         " + String.join(" ", sim.masterUrls()));
    out.println(
        "Watch transitions: kafka-console-consumer or curl "
            + processor.apiUrl()
            + "/v1/nodes?state=unreachable,unhealthy,degraded");
    out.println(
        "  Updaters:        "
            + (o.haproxySocket() == null
                ? "HAProxy off (--haproxy-socket runs it in dry run)"
                : "HAProxy dry run against " + o.haproxySocket())
            + "; "
            + (o.etcdEndpoints() == null
                ? "etcd off (--etcd URL runs it)"
                : "etcd records under /mesos-health-demo at " + o.etcdEndpoints()));
    out.println(
        "  Alerts:          "
            + (o.alertmanager() == null
                ? "off (--alertmanager URL sends them to your Alertmanager)"
                : "to the Alertmanager at " + o.alertmanager()));
    out.println("Stop with Ctrl-C.");
    out.println();
  }

  public String apiUrl() {
    return processor.apiUrl();
  }

  public String consoleUrl() {
    return console.url();
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  public MesosSimulator sim() {
    return sim;
  }

  /**
   * Stops everything: the services at once (they do not depend on each other, and each may wait on
   * Kafka for a few seconds), then the broker they all use.
   */
  @Override
  public void close() {
    List<Thread> stopping = new ArrayList<>();
    for (AutoCloseable part : parts) {
      if (part != broker) {
        Thread t = new Thread(() -> stop(part), "demo-stop-" + part.getClass().getSimpleName());
        t.start();
        stopping.add(t);
      }
    }
    for (Thread t : stopping) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (broker != null && parts.contains(broker)) {
      stop(broker);
    }
    parts.clear();
  }

  private static void stop(AutoCloseable part) {
    String name = part.getClass().getSimpleName();
    long started = System.nanoTime();
    try {
      part.close();
    } catch (Exception e) {
      log.warn("stopping {}: {}", name, e.toString());
    }
    long ms = (System.nanoTime() - started) / 1_000_000;
    if (ms > 1_000) {
      log.info("stopping {} took {} ms", name, ms);
    }
  }

  /** A service's settings: the flags over MESOS_HEALTH_* variables over the defaults. */
  private static ServiceConfig read(
      org.apache.kafka.common.config.ConfigDef definition, Map<String, String> flags) {
    return ServiceConfig.parse(
        definition,
        new ServiceConfig.Sources().env(System.getenv()).flags(flags),
        SharedConfig.PASS_THROUGH);
  }

  private static Scenario loadScenario(Path file) {
    try {
      if (file != null) {
        return Scenario.parse(file);
      }
      try (InputStream in =
          Demo.class.getResourceAsStream("/dev/mesoshealth/launcher/demo-scenario.yaml")) {
        return Scenario.parse(in, "demo-scenario.yaml");
      }
    } catch (java.nio.file.NoSuchFileException e) {
      throw new ConfigException("scenario file " + file + " does not exist");
    } catch (IOException e) {
      throw new ConfigException("cannot read scenario " + file + ": " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
  }

  private static void requireFree(String host, int port, String what, String flag) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getByName(host), port));
    } catch (IOException e) {
      throw new ConfigException(
          "port "
              + port
              + " on "
              + host
              + " ("
              + what
              + ") is in use; "
              + (flag.startsWith("--sim")
                  ? "is another simulator or demo running? Use " + flag
                  : "choose another with " + flag));
    }
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new ConfigException("cannot wipe " + dir + " for --fresh: " + e.getMessage());
    }
  }
}
