package dev.mesoshealth.launcher.compose;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * How each image of docker-compose.yml runs as a local process: our image through bin/mesos-health
 * (or the file's entrypoint), apache/kafka from its KAFKA_* variables as its configure scripts do,
 * haproxy, etcd, postgres, prometheus and alertmanager from Debian's packages with the mounted
 * configuration; each a {@link Launch} in its {@link Container}.
 */
final class Images {
  private static final String OUR_IMAGE = "mesos-health:latest";
  static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
  static final String CLASSPATH = System.getProperty("java.class.path");

  /** What our Dockerfile sets, and what this stand-in adds for two cores. */
  private static final String IMAGE_JAVA_OPTIONS =
      "-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError";

  private static final String SPEED_JAVA_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC";

  /** Tools an image carries, and the class that is each. */
  static final Map<String, String> KAFKA_TOOLS =
      Map.of(
          "/opt/kafka/bin/kafka-broker-api-versions.sh",
          "org.apache.kafka.tools.BrokerApiVersionsCommand");

  private static final List<String> KAFKA_NOT_PROPERTIES =
      List.of(
          "KAFKA_VERSION",
          "KAFKA_HEAP_OPT",
          "KAFKA_LOG4J_OPTS",
          "KAFKA_OPTS",
          "KAFKA_JMX_OPTS",
          "KAFKA_JVM_PERFORMANCE_OPTS",
          "KAFKA_GC_LOG_OPTS",
          "KAFKA_LOG4J_ROOT_LOGLEVEL",
          "KAFKA_LOG4J_LOGGERS",
          "KAFKA_TOOLS_LOG4J_LOGLEVEL");

  /** How one service is started, and where it keeps what must survive its re-creation. */
  record Launch(
      List<List<String>> before,
      List<String> argv,
      Map<String, String> env,
      Path workDir,
      String user,
      List<String> dataPaths,
      Map<String, String> checkEnv,
      Step afterStart) {}

  /** A step once the service's process runs (e.g. creating a database). */
  interface Step {
    void run(Running running) throws Exception;
  }

  /** The service's running process, as a step sees it. */
  interface Running {
    boolean alive();

    String tail();
  }

  private final Path repo;
  private final Path dist;
  private final Path base;
  private final Map<String, Map<String, String>> overrides;
  private final Map<String, String> addresses;
  private final Map<String, String> notRun = new LinkedHashMap<>();

  Images(
      Path repo,
      Path dist,
      Path base,
      Map<String, Map<String, String>> overrides,
      Map<String, String> addresses) {
    this.repo = repo;
    this.dist = dist;
    this.base = base;
    this.overrides = overrides;
    this.addresses = addresses;
  }

  /** Services not run here, and why. */
  Map<String, String> notRun() {
    return notRun;
  }

  /** How a service runs, or null (and why in {@link #notRun()}) when there is no stand-in. */
  Launch launch(Container c) throws IOException {
    ComposeFile.Service s = c.service();
    mountVolumes(c);
    String image = s.image().replaceFirst(":.*$", "");
    if (s.image().equals(OUR_IMAGE) && s.built()) {
      return ours(c);
    }
    return switch (image) {
      case "apache/kafka" -> kafka(c);
      case "haproxy" -> haproxy(c);
      case "quay.io/coreos/etcd" -> etcd(c);
      case "postgres" -> postgres(c);
      case "prom/prometheus" -> prometheus(c);
      case "prom/alertmanager" -> alertmanager(c);
      default -> {
        notRun.put(
            s.name(),
            image.equals("grafana/grafana")
                ? "Grafana is not packaged for Debian; its dashboard's queries run against a real"
                    + " Prometheus in PrometheusScrapeIT"
                : "no stand-in for image " + s.image());
        yield null;
      }
    };
  }

  /**
   * A directory the image has (empty, writable by its user), unless a named volume is mounted
   * there; returns where it is on the host either way.
   */
  private static Path imageDir(Container c, String containerPath, String name) throws IOException {
    if (!c.onNamedVolume(containerPath)) {
      Path dir = c.root().resolve(name);
      Files.createDirectories(dir);
      c.mount(containerPath, dir);
    }
    return c.hostPath(containerPath);
  }

  private void mountVolumes(Container c) throws IOException {
    for (ComposeFile.Volume v : c.service().volumes()) {
      if (v.named()) {
        Path vol = base.resolve("volumes").resolve(v.source());
        Files.createDirectories(vol);
        c.mount(v.target(), vol);
      }
    }
  }

  /** Bind mounts, copied with the container's view translated ({@code names}: resolve them). */
  private void bindMounts(Container c, boolean names, java.util.function.UnaryOperator<String> more)
      throws IOException {
    for (ComposeFile.Volume v : c.service().volumes()) {
      if (!v.named()) {
        Path source = repo.resolve(v.source()).normalize();
        if (!Files.exists(source)) {
          throw new IllegalArgumentException(
              "service " + c.service().name() + ": mounted " + v.source() + " does not exist");
        }
        c.bindCopy(source, v.target(), text -> more.apply(c.translate(text, names)));
      }
    }
  }

  private Map<String, String> environment(Container c, boolean names) {
    Map<String, String> env = new LinkedHashMap<>();
    c.service().environment().forEach((k, v) -> env.put(k, c.translate(v, names)));
    overrides.getOrDefault(c.service().name(), Map.of()).forEach(env::put);
    return env;
  }

  private Path hostsFile(Container c) throws IOException {
    StringBuilder b = new StringBuilder(c.ip() + " localhost\n");
    addresses.forEach((name, ip) -> b.append(ip).append(' ').append(name).append('\n'));
    Path hosts = c.root().resolve("hosts");
    Files.writeString(hosts, b.toString());
    return hosts;
  }

  String javaOptions(Container c) throws IOException {
    return IMAGE_JAVA_OPTIONS
        + " "
        + SPEED_JAVA_OPTIONS
        + " -Djdk.net.hosts.file="
        + hostsFile(c)
        + " -Djava.io.tmpdir="
        + c.root().resolve("tmp");
  }

  /** Our image: bin/mesos-health (or the file's entrypoint), as the Dockerfile sets it up. */
  private Launch ours(Container c) throws IOException {
    ComposeFile.Service s = c.service();
    c.mount("/opt/mesos-health", dist);
    imageDir(c, "/var/lib/mesos-health", "home");
    bindMounts(c, false, t -> t);
    Map<String, String> env = environment(c, false);
    env.put("JAVA_TOOL_OPTIONS", javaOptions(c));
    env.put("MESOS_HEALTH_SKIP_BUILD", "1");
    List<String> argv = new ArrayList<>();
    boolean shell = false;
    if (s.entrypoint() == null) {
      argv.add(repo.resolve("bin/mesos-health").toString());
    } else if (s.entrypoint().get(0).equals("java")) {
      argv.add(JAVA);
      argv.addAll(c.translate(s.entrypoint().subList(1, s.entrypoint().size()), false));
    } else {
      shell = true; // sh and curl resolve names with the system resolver: give them addresses
      argv.addAll(s.entrypoint());
    }
    argv.addAll(c.translate(s.command(), shell));
    List<String> data = new ArrayList<>();
    if (s.environment().containsKey("MESOS_HEALTH_STATE_DIR")) {
      data.add(s.environment().get("MESOS_HEALTH_STATE_DIR"));
    }
    return new Launch(
        List.of(), argv, env, c.hostPath("/var/lib/mesos-health"), null, data, Map.of(), null);
  }

  /**
   * apache/kafka: KAFKA_* settings over the image's defaults into server.properties, as it does.
   */
  private Launch kafka(Container c) throws IOException {
    Map<String, String> env = new LinkedHashMap<>(c.service().environment());
    overrides.getOrDefault(c.service().name(), Map.of()).forEach(env::put);
    Map<String, String> defaults = new LinkedHashMap<>();
    defaults.put("CLUSTER_ID", "5L6g3nShT-eMCtK--X86sw");
    defaults.put("KAFKA_NODE_ID", "1");
    defaults.put(
        "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP",
        "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,PLAINTEXT_HOST:PLAINTEXT");
    defaults.put(
        "KAFKA_LISTENERS",
        "PLAINTEXT://localhost:29092,CONTROLLER://localhost:29093,PLAINTEXT_HOST://0.0.0.0:9092");
    defaults.put(
        "KAFKA_ADVERTISED_LISTENERS",
        "PLAINTEXT://localhost:29092,PLAINTEXT_HOST://localhost:9092");
    defaults.put("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "1");
    defaults.put("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0");
    defaults.put("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "1");
    defaults.put("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1");
    defaults.put("KAFKA_PROCESS_ROLES", "broker,controller");
    defaults.put("KAFKA_CONTROLLER_QUORUM_VOTERS", "1@localhost:29093");
    defaults.put("KAFKA_INTER_BROKER_LISTENER_NAME", "PLAINTEXT");
    defaults.put("KAFKA_CONTROLLER_LISTENER_NAMES", "CONTROLLER");
    defaults.put("KAFKA_LOG_DIRS", "/tmp/kraft-combined-logs");
    defaults.forEach(env::putIfAbsent);
    StringBuilder props = new StringBuilder();
    env.forEach(
        (k, v) -> {
          if (k.startsWith("KAFKA_") && !KAFKA_NOT_PROPERTIES.contains(k)) {
            String key =
                k.substring("KAFKA_".length())
                    .toLowerCase(java.util.Locale.ROOT)
                    .replace("___", "-")
                    .replace("__", "\u0000")
                    .replace("_", ".")
                    .replace("\u0000", "_");
            // a listener without a host binds every interface: in a container, its own
            String value = c.translate(v, false).replace("://:", "://" + c.ip() + ":");
            props.append(key).append('=').append(value).append('\n');
          }
        });
    Path config = c.root().resolve("server.properties");
    Files.writeString(config, props.toString());
    String options = javaOptions(c);
    List<String> java = new ArrayList<>(List.of(JAVA));
    java.addAll(List.of(options.split(" ")));
    java.addAll(List.of("-cp", CLASSPATH));
    List<String> format = new ArrayList<>(java);
    format.addAll(
        List.of(
            "kafka.tools.StorageTool",
            "format",
            "--ignore-formatted",
            "-t",
            env.get("CLUSTER_ID"),
            "-c",
            config.toString()));
    List<String> run = new ArrayList<>(java);
    run.addAll(List.of("kafka.Kafka", config.toString()));
    return new Launch(
        List.of(format),
        run,
        Map.of(),
        c.root(),
        null,
        List.of(env.get("KAFKA_LOG_DIRS").split(",")),
        Map.of(),
        null);
  }

  /** haproxy: the mounted configuration, as the image's haproxy user (not root). */
  private Launch haproxy(Container c) throws IOException {
    Path lib = imageDir(c, "/var/lib/haproxy", "var-lib-haproxy"); // its working directory
    bindMounts(c, true, t -> t.replaceAll("(?m)^(\\s*bind\\s+):", "$1" + c.ip() + ":"));
    return new Launch(
        List.of(),
        List.of(
            "/usr/sbin/haproxy",
            "-W",
            "-db",
            "-f",
            c.hostPath("/usr/local/etc/haproxy/haproxy.cfg").toString()),
        Map.of(),
        lib,
        "haproxy",
        List.of(),
        Map.of(),
        null);
  }

  /** etcd: the file's command, its peer URLs (localhost by default) made this container's. */
  private Launch etcd(Container c) throws IOException {
    List<String> argv = new ArrayList<>(c.translate(c.service().command(), true));
    argv.set(0, "/usr/bin/etcd");
    String peer = "http://" + c.ip() + ":2380";
    String name =
        argv.stream()
            .filter(a -> a.startsWith("--name="))
            .map(a -> a.substring(7))
            .findFirst()
            .orElse("default");
    argv.addAll(
        List.of(
            "--listen-peer-urls=" + peer,
            "--initial-advertise-peer-urls=" + peer,
            "--initial-cluster=" + name + "=" + peer));
    List<String> data =
        c.service().command().stream()
            .filter(a -> a.startsWith("--data-dir="))
            .map(a -> a.substring("--data-dir=".length()))
            .toList();
    return new Launch(
        List.of(),
        argv,
        Map.of(),
        c.root(),
        null,
        data.isEmpty() ? List.of("/default.etcd") : data,
        Map.of(),
        null);
  }

  /** postgres: initdb with POSTGRES_USER's password and database, as the image's entrypoint. */
  private Launch postgres(Container c) throws IOException {
    Map<String, String> env = environment(c, true);
    String user = env.getOrDefault("POSTGRES_USER", "postgres");
    String db = env.getOrDefault("POSTGRES_DB", user);
    String pgdata = env.getOrDefault("PGDATA", "/var/lib/postgresql/data");
    Path data = c.hostPath(pgdata);
    Path run = imageDir(c, "/var/run/postgresql", "run");
    Path pwfile = c.root().resolve("pwfile");
    Files.writeString(pwfile, env.getOrDefault("POSTGRES_PASSWORD", "") + "\n");
    Path bin = postgresBin();
    List<String> initdb =
        List.of(
            bin.resolve("initdb").toString(),
            "-D",
            data.toString(),
            "-U",
            user,
            "--pwfile=" + pwfile,
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "--encoding=UTF8",
            "--no-sync");
    List<String> hba =
        List.of(
            "sh",
            "-c",
            "echo 'host all all all scram-sha-256' >> '" + data.resolve("pg_hba.conf") + "'");
    List<String> argv =
        List.of(
            bin.resolve("postgres").toString(),
            "-D",
            data.toString(),
            "-p",
            "5432",
            "-k",
            run.toString(),
            "-c",
            "listen_addresses=" + c.ip(),
            "-c",
            "fsync=off");
    Step createDb =
        running -> {
          Duration wait = Duration.ofSeconds(30);
          long deadline = System.nanoTime() + wait.toNanos();
          while (exec(
                  List.of(
                      bin.resolve("pg_isready").toString(), "-h", run.toString(), "-U", user, "-q"),
                  Map.of(),
                  Duration.ofSeconds(5))
              != 0) {
            if (System.nanoTime() > deadline || !running.alive()) {
              throw new IllegalStateException("postgres did not start: " + running.tail());
            }
            TimeUnit.MILLISECONDS.sleep(200); // polling the server until it accepts, as the image
          }
          if (!db.equals("postgres")) {
            int code =
                exec(
                    List.of(
                        "psql",
                        "-h",
                        run.toString(),
                        "-U",
                        user,
                        "-d",
                        "postgres",
                        "-v",
                        "ON_ERROR_STOP=1",
                        "-c",
                        "CREATE DATABASE \"" + db + "\""),
                    Map.of(),
                    Duration.ofSeconds(30));
            if (code != 0) {
              throw new IllegalStateException("postgres: CREATE DATABASE " + db + " failed");
            }
          }
        };
    return new Launch(
        List.of(initdb, hba),
        argv,
        Map.of(),
        c.root(),
        "postgres",
        List.of(pgdata),
        Map.of("PGHOST", run.toString()),
        createDb);
  }

  /** prom/prometheus: the file's flags and mounted configuration, on this container's address. */
  private Launch prometheus(Container c) throws IOException {
    imageDir(c, "/prometheus", "prometheus"); // its working directory
    // scraped every 2 s instead of the file's 15 s, as an override would: the test waits less
    bindMounts(c, true, t -> t.replaceAll("(?m)^(\\s*scrape_interval:\\s*)\\S+", "$12s"));
    List<String> argv = new ArrayList<>(List.of("/usr/bin/prometheus"));
    argv.addAll(c.translate(c.service().command(), true));
    argv.add("--web.listen-address=" + c.ip() + ":9090");
    String data = flag(c.service().command(), "--storage.tsdb.path", "/prometheus/data");
    return new Launch(
        List.of(),
        argv,
        Map.of(),
        c.hostPath("/prometheus"),
        "nobody",
        List.of(data),
        Map.of(),
        null);
  }

  /** prom/alertmanager: the file's flags over the image's defaults, on this container's address. */
  private Launch alertmanager(Container c) throws IOException {
    imageDir(c, "/alertmanager", "alertmanager"); // its working directory
    bindMounts(c, true, t -> t);
    List<String> argv = new ArrayList<>(List.of("/usr/bin/prometheus-alertmanager"));
    argv.addAll(c.translate(c.service().command(), true));
    argv.add("--web.listen-address=" + c.ip() + ":9093");
    argv.add("--cluster.listen-address=" + c.ip() + ":9094");
    // without --storage.path, its default (data/) is under the working directory
    String storage = flag(c.service().command(), "--storage.path", "/alertmanager/data");
    return new Launch(
        List.of(),
        argv,
        Map.of(),
        c.hostPath("/alertmanager"),
        "nobody",
        List.of(storage.startsWith("/") ? storage : "/alertmanager/" + storage),
        Map.of(),
        null);
  }

  private static String flag(List<String> args, String name, String otherwise) {
    return args.stream()
        .filter(a -> a.startsWith(name + "="))
        .map(a -> a.substring(name.length() + 1))
        .findFirst()
        .orElse(otherwise);
  }

  private static Path postgresBin() throws IOException {
    try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
      return versions
          .filter(v -> Files.isExecutable(v.resolve("bin/postgres")))
          .max(Comparator.comparing(v -> v.getFileName().toString()))
          .orElseThrow(() -> new IOException("no PostgreSQL under /usr/lib/postgresql"))
          .resolve("bin");
    }
  }

  /** Runs a command to its end; its exit code, or -1 past the deadline. */
  static int exec(List<String> argv, Map<String, String> env, Duration timeout)
      throws IOException, InterruptedException {
    ProcessBuilder b = new ProcessBuilder(argv).redirectErrorStream(true);
    b.environment().putAll(env);
    b.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    Process p = b.start();
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      return -1;
    }
    return p.exitValue();
  }
}
