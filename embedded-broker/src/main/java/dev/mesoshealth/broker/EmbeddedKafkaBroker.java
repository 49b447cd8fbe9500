package dev.mesoshealth.broker;

import dev.mesoshealth.schemas.topics.Topic;
import dev.mesoshealth.schemas.topics.Topics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntSupplier;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka (KRaft, broker and controller in one) running inside this JVM, from
 * {@code kafka_2.13}. Used by integration tests and by the demo. Listens on 127.0.0.1 only; can be
 * stopped and started again on the same ports and data to test outages.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

  private final Path dataDir;
  private final boolean deleteOnClose;
  private final int port;
  private final int controllerPort;
  private final Map<String, String> overrides;
  private KafkaRaftServer server;

  private EmbeddedKafkaBroker(
      Path dataDir,
      boolean deleteOnClose,
      int port,
      int controllerPort,
      Map<String, String> overrides) {
    this.dataDir = dataDir;
    this.deleteOnClose = deleteOnClose;
    this.port = port;
    this.controllerPort = controllerPort;
    this.overrides = Map.copyOf(overrides);
  }

  /** A broker on free ports with a temporary data directory removed on close. */
  public static EmbeddedKafkaBroker startTemporary() {
    return startTemporary(Map.of());
  }

  /**
   * As {@link #startTemporary()}, with extra broker properties; {@code {port}} and {@code
   * {controllerPort}} in a value stand for the broker's PLAINTEXT and controller ports.
   */
  public static EmbeddedKafkaBroker startTemporary(Map<String, String> overrides) {
    return startTemporary(overrides, EmbeddedKafkaBroker::freePort);
  }

  /**
   * As {@link #startTemporary(Map)}, on ports from {@code ports}. A port picked free can still be
   * taken by another process before the broker binds it: the start is then tried again on other
   * ports, three times in all.
   */
  public static EmbeddedKafkaBroker startTemporary(
      Map<String, String> overrides, IntSupplier ports) {
    for (int attempt = 1; ; attempt++) {
      Path dir;
      try {
        dir = Files.createTempDirectory("mesos-health-kafka-");
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create a temporary directory for Kafka", e);
      }
      int port = ports.getAsInt();
      int controllerPort = ports.getAsInt();
      while (controllerPort == port) { // two random picks can meet: the listeners must differ
        controllerPort = ports.getAsInt();
      }
      EmbeddedKafkaBroker broker =
          new EmbeddedKafkaBroker(dir, true, port, controllerPort, overrides);
      try {
        broker.start();
        return broker;
      } catch (RuntimeException e) {
        broker.close();
        if (attempt == 3 || !portTaken(e)) {
          throw e;
        }
        log.warn(
            "a port picked for the broker was taken before it bound ({}); other ports",
            e.toString());
      }
    }
  }

  private static boolean portTaken(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BindException
          || String.valueOf(t.getMessage()).contains("Address already in use")) {
        return true;
      }
    }
    return false;
  }

  /**
   * A broker whose data is kept in {@code dataDir} between runs, on fixed ports (the controller's
   * address is written into the metadata log, so a kept directory needs the same ports again). A
   * data directory formatted before is reused as is.
   */
  public static EmbeddedKafkaBroker startPersistent(Path dataDir, int port, int controllerPort) {
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create Kafka data directory " + dataDir, e);
    }
    EmbeddedKafkaBroker broker =
        new EmbeddedKafkaBroker(dataDir, false, port, controllerPort, Map.of());
    broker.start();
    return broker;
  }

  /** {@code host:port} for {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  public Path dataDir() {
    return dataDir;
  }

  public synchronized boolean isRunning() {
    return server != null;
  }

  /** Starts the broker (formatting storage the first time) and waits until it serves. */
  public synchronized void start() {
    if (server != null) {
      return;
    }
    long started = System.nanoTime();
    Path logDir = dataDir.resolve("log");
    Properties props = serverProperties(logDir);
    Path propsFile = dataDir.resolve("server.properties");
    writeProperties(props, propsFile);
    if (!Files.exists(logDir.resolve("meta.properties"))) {
      format(propsFile);
    }
    KafkaRaftServer raft = new KafkaRaftServer(KafkaConfig.fromProps(props), Time.SYSTEM);
    try {
      raft.startup();
    } catch (RuntimeException e) {
      // a half-started server holds threads and sockets: release them before giving up
      raft.shutdown();
      raft.awaitShutdown();
      throw e;
    }
    server = raft;
    log.info(
        "Kafka broker up at {} in {} ms (data {})",
        bootstrapServers(),
        (System.nanoTime() - started) / 1_000_000,
        dataDir);
  }

  /** Stops the broker, keeping its data and ports for a later {@link #start()}. */
  public synchronized void stop() {
    if (server == null) {
      return;
    }
    server.shutdown();
    server.awaitShutdown();
    server = null;
  }

  @Override
  public void close() {
    stop();
    if (deleteOnClose) {
      deleteRecursively(dataDir);
    }
  }

  /** An admin client for this broker; the caller closes it. */
  public Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
  }

  /** Creates the topics (with their catalogue configs) that do not exist yet. */
  public void createTopics(Collection<? extends Topic<?, ?>> topics, int partitions) {
    try (Admin admin = admin()) {
      Set<String> existing = admin.listTopics().names().get();
      List<NewTopic> requests = new ArrayList<>();
      for (Topic<?, ?> topic : topics) {
        if (!existing.contains(topic.name())) {
          requests.add(topic.newTopic(Topics.partitions(topic, partitions), (short) 1));
        }
      }
      if (!requests.isEmpty()) {
        admin.createTopics(requests).all().get();
      }
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException("cannot create topics: " + e.getCause(), e.getCause());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    }
  }

  private Properties serverProperties(Path logDir) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.bootstrap.servers", "127.0.0.1:" + controllerPort);
    p.put(
        "listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
    p.put("log.dirs", logDir.toString());
    p.put("num.partitions", "1");
    p.put("auto.create.topics.enable", "false");
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "3");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "3");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    // Transactions v2: a processor's next transaction starts while its last one's markers are
    // still being written; the broker answers its produce CONCURRENT_TRANSACTIONS after retrying
    // the add for this long itself (100 ms by default), and the producer then backs off up to a
    // second per try. On a busy machine that stalled processors for seconds (20 s once) and, at
    // 10,000 agents, into an out-of-order-sequence loop; waiting on the broker removed both
    p.put("add.partitions.to.txn.retry.backoff.max.ms", "1000");
    // the lone controller writes a no-op to its log every 500 ms by default, so that stale
    // controllers notice; with no other controller, 5 s does: an idle broker costs 0.028 cores
    // instead of 0.038 (measured), and the build runs dozens of them
    p.put("metadata.max.idle.interval.ms", "5000");
    // overrides may name the broker's own ports, e.g. to add a listener next to them
    overrides.forEach(
        (k, v) ->
            p.put(
                k,
                v.replace("{port}", Integer.toString(port))
                    .replace("{controllerPort}", Integer.toString(controllerPort))));
    Properties props = new Properties();
    props.putAll(p);
    return props;
  }

  private static void format(Path propsFile) {
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    int rc;
    try (PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8)) {
      rc =
          StorageTool.execute(
              new String[] {
                "format",
                "--standalone",
                "-t",
                Uuid.randomUuid().toString(),
                "-c",
                propsFile.toString()
              },
              out);
    }
    if (rc != 0) {
      throw new IllegalStateException(
          "kafka storage format failed (" + rc + "): " + output.toString(StandardCharsets.UTF_8));
    }
  }

  private static void writeProperties(Properties props, Path file) {
    try (OutputStream out = Files.newOutputStream(file)) {
      props.store(out, "embedded Kafka broker");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /**
   * A port free on 127.0.0.1 right now, for a server that binds it later (a broker, an etcd or
   * HAProxy process, a broker stopped and started again on the same port). Taken from below the
   * kernel's ephemeral range: bind(0) and every outgoing connection's source port come from that
   * range, so a port picked there can be taken by any client in the meantime; below it, only an
   * explicit bind like this one takes a port, and the random start keeps parallel test JVMs apart.
   */
  public static int freePort() {
    int floor = ephemeralFloor();
    int span = Math.min(12_000, floor - 1024);
    int first = ThreadLocalRandom.current().nextInt(span);
    for (int i = 0; i < span; i++) {
      int port = floor - span + (first + i) % span;
      try (ServerSocket socket = new ServerSocket()) {
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
        return port;
      } catch (IOException taken) {
        // in use: try the next one
      }
    }
    throw new UncheckedIOException(new IOException("no free port on 127.0.0.1 below " + floor));
  }

  /** A free port, as {@link #freePort()}, other than {@code taken}. */
  public static int freePortOtherThan(int taken) {
    int port = freePort();
    while (port == taken) {
      port = freePort();
    }
    return port;
  }

  /** The lowest port of the kernel's ephemeral range (32768 where it cannot be read). */
  private static int ephemeralFloor() {
    // read as lines: Files.readString trusts the size /proc reports and reads one byte
    try (Stream<String> lines = Files.lines(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
      int floor = Integer.parseInt(lines.findFirst().orElse("").trim().split("\\s+")[0]);
      return floor > 2048 ? floor : 32_768;
    } catch (IOException | RuntimeException e) {
      return 32_768;
    }
  }

  static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(EmbeddedKafkaBroker::deleteQuietly);
    } catch (IOException e) {
      log.warn("could not remove {}: {}", dir, e.toString());
    }
  }

  private static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      log.warn("could not remove {}: {}", path, e.toString());
    }
  }
}
