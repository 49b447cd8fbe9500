package dev.mesoshealth.launcher.compose;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * docker-compose.yml played by local processes, for machines without a Docker engine: each service
 * runs as what its image runs (our image through bin/mesos-health, the others from Debian's
 * packages and Kafka's own classes, each configured from the file the way its image configures
 * itself) in a {@link Container} of its own, started once what it depends on is started or healthy,
 * as compose orders them. A service's health check is its own command, run as compose runs it.
 *
 * <p>Where this differs from Docker, on purpose: health checks are polled every second instead of
 * their interval (the test waits less); JVMs run with C1 only and the serial GC (eleven JVMs start
 * on two cores); PostgreSQL runs with fsync off; services whose image user this machine has
 * (haproxy, postgres, nobody) run as that user when the test runs as root, the others as the test's
 * user. Images with no stand-in here are listed by {@link #notRun()}, with why.
 */
final class ComposeBoot implements AutoCloseable {
  private static final String OUR_IMAGE = "mesos-health:latest";
  private static final String JAVA =
      Path.of(System.getProperty("java.home"), "bin", "java").toString();
  private static final String CLASSPATH = System.getProperty("java.class.path");

  /** What our Dockerfile sets, and what this stand-in adds for two cores. */
  private static final String IMAGE_JAVA_OPTIONS =
      "-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError";

  private static final String SPEED_JAVA_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC";

  /** Tools an image carries, and the class that is each. */
  private static final Map<String, String> KAFKA_TOOLS =
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
  private record Launch(
      List<List<String>> before,
      List<String> argv,
      Map<String, String> env,
      Path workDir,
      String user,
      List<String> dataPaths,
      Map<String, String> checkEnv,
      Step afterStart) {}

  private interface Step {
    void run() throws Exception;
  }

  private final ComposeFile compose;
  private final Path repo;
  private final Path dist;
  private final Path base;
  private final Map<String, Map<String, String>> overrides;
  private final boolean root = "root".equals(System.getProperty("user.name"));
  private final Map<String, String> addresses = new LinkedHashMap<>();
  private final Map<String, Container> containers = new LinkedHashMap<>();
  private final Map<String, Launch> launches = new LinkedHashMap<>();
  private final Map<String, String> notRun = new LinkedHashMap<>();
  private final Map<String, Process> processes = new ConcurrentHashMap<>();
  private final List<String> startOrder = java.util.Collections.synchronizedList(new ArrayList<>());

  /**
   * @param overrides per service, environment that replaces the file's (as an override file would)
   */
  ComposeBoot(Path composeFile, Path dist, Path base, Map<String, Map<String, String>> overrides)
      throws IOException {
    this.compose = ComposeFile.read(composeFile);
    this.repo = composeFile.getParent();
    this.dist = dist;
    this.base = base;
    this.overrides = overrides;
    Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
    int i = 0;
    for (ComposeFile.Service s : compose.services().values()) {
      if (s.networkMode() == null) {
        addresses.put(s.name(), "127.3.0." + (++i));
      }
    }
    for (ComposeFile.Service s : compose.services().values()) {
      if (s.networkMode() != null) {
        String shared = s.networkMode().replaceFirst("^service:", "");
        if (!addresses.containsKey(shared)) {
          throw new IllegalArgumentException(
              "service " + s.name() + ": network_mode " + s.networkMode() + " is not supported");
        }
        addresses.put(s.name(), addresses.get(shared));
      }
    }
    for (ComposeFile.Service s : compose.services().values()) {
      Path dir = base.resolve(s.name());
      Files.createDirectories(dir.resolve("tmp"));
      Container c = new Container(s, addresses.get(s.name()), dir, addresses);
      c.mount("/tmp", dir.resolve("tmp"));
      containers.put(s.name(), c);
      Launch launch = launch(c);
      if (launch != null) {
        launches.put(s.name(), launch);
      }
    }
  }

  String ip(String service) {
    return addresses.get(service);
  }

  /** Services not run here, and why. */
  Map<String, String> notRun() {
    return notRun;
  }

  /** Per service, the container paths of its state that are on no named volume. */
  Map<String, List<String>> dataOffVolumes() {
    Map<String, List<String>> out = new LinkedHashMap<>();
    launches.forEach(
        (name, l) -> {
          List<String> off =
              l.dataPaths().stream().filter(p -> !containers.get(name).onNamedVolume(p)).toList();
          if (!off.isEmpty()) {
            out.put(name, off);
          }
        });
    return out;
  }

  // ---------------------------------------------------------------- how each image runs

  private Launch launch(Container c) throws IOException {
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

  private String javaOptions(Container c) throws IOException {
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
        () -> {
          Duration wait = Duration.ofSeconds(30);
          long deadline = System.nanoTime() + wait.toNanos();
          while (exec(
                  List.of(
                      bin.resolve("pg_isready").toString(), "-h", run.toString(), "-U", user, "-q"),
                  Map.of(),
                  Duration.ofSeconds(5))
              != 0) {
            if (System.nanoTime() > deadline || !processes.get(c.service().name()).isAlive()) {
              throw new IllegalStateException(
                  "postgres did not start: " + tail(c.service().name()));
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
    bindMounts(c, true, t -> t);
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

  // ---------------------------------------------------------------- running them

  /**
   * Starts every service that has a stand-in, each once its dependencies meet their conditions, and
   * returns when all are started, every health check passes and every one-shot has succeeded. A
   * service that exits or never gets healthy fails this with its log's tail.
   */
  void up(Duration timeout) throws Exception {
    long begin = System.nanoTime();
    long deadline = begin + timeout.toNanos();
    Map<String, CompletableFuture<Void>> started = new HashMap<>();
    Map<String, CompletableFuture<Void>> healthy = new HashMap<>();
    Map<String, CompletableFuture<Void>> completed = new HashMap<>();
    for (String name : launches.keySet()) {
      started.put(name, new CompletableFuture<>());
      healthy.put(name, new CompletableFuture<>());
      completed.put(name, new CompletableFuture<>());
    }
    List<Thread> threads = new ArrayList<>();
    for (String name : launches.keySet()) {
      Thread t =
          new Thread(
              () -> {
                try {
                  for (ComposeFile.Dependency d : compose.services().get(name).dependsOn()) {
                    Map<String, CompletableFuture<Void>> which =
                        switch (d.condition()) {
                          case "service_healthy" -> healthy;
                          case "service_completed_successfully" -> completed;
                          default -> started;
                        };
                    if (!which.containsKey(d.service())) {
                      throw new IllegalStateException(
                          name + " depends on " + d.service() + ", which does not run here");
                    }
                    which.get(d.service()).get(remaining(deadline), TimeUnit.NANOSECONDS);
                  }
                  long t0 = System.nanoTime();
                  run(name, deadline, started.get(name), completed.get(name));
                  awaitHealthy(name, deadline);
                  healthy.get(name).complete(null);
                  System.out.printf(
                      "compose: %s up after %.1f s (%.1f s since its dependencies were)%n",
                      name, (System.nanoTime() - begin) / 1e9, (System.nanoTime() - t0) / 1e9);
                } catch (Throwable e) {
                  Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                  started.get(name).completeExceptionally(cause);
                  healthy.get(name).completeExceptionally(cause);
                  completed.get(name).completeExceptionally(cause);
                }
              },
              "compose-" + name);
      t.setDaemon(true);
      t.start();
      threads.add(t);
    }
    List<String> failures = new ArrayList<>();
    for (String name : launches.keySet()) {
      CompletableFuture<Void> done = isOneShot(name) ? completed.get(name) : healthy.get(name);
      try {
        done.get(remaining(deadline), TimeUnit.NANOSECONDS);
      } catch (ExecutionException e) {
        failures.add(e.getCause().getMessage());
      } catch (TimeoutException e) {
        failures.add(name + ": not up within " + timeout + "\n" + tail(name));
      }
    }
    if (!failures.isEmpty()) {
      throw new AssertionError(
          "docker-compose.yml does not come up (logs in "
              + base
              + "):\n"
              + String.join("\n", failures.stream().distinct().toList()));
    }
  }

  private boolean isOneShot(String name) {
    return compose.services().get(name).restart().equals("on-failure");
  }

  private static long remaining(long deadline) {
    return Math.max(1, deadline - System.nanoTime());
  }

  private void run(
      String name,
      long deadline,
      CompletableFuture<Void> started,
      CompletableFuture<Void> completed)
      throws Exception {
    Launch l = launches.get(name);
    Container c = containers.get(name);
    if (root && l.user() != null) {
      exec(
          List.of("chown", "-R", l.user() + ":", c.root().toString()),
          Map.of(),
          Duration.ofSeconds(30));
      for (ComposeFile.Volume v : c.service().volumes()) {
        if (v.named()) {
          exec(
              List.of("chown", "-R", l.user() + ":", c.hostPath(v.target()).toString()),
              Map.of(),
              Duration.ofSeconds(30));
        }
      }
    }
    for (List<String> step : l.before()) {
      Path log = c.root().resolve("before.log");
      Process p = builder(l, step, log).start();
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException(
            name + ": " + String.join(" ", step) + " failed:\n" + Files.readString(log));
      }
    }
    while (true) {
      Process p = builder(l, l.argv(), log(name)).start();
      processes.put(name, p);
      startOrder.add(name);
      if (l.afterStart() != null) {
        l.afterStart().run();
      }
      started.complete(null);
      if (!isOneShot(name)) {
        return;
      }
      // a one-shot with restart: on-failure runs again until it succeeds, as compose restarts it
      if (!p.waitFor(remaining(deadline), TimeUnit.NANOSECONDS)) {
        throw new IllegalStateException(name + ": did not finish\n" + tail(name));
      }
      if (p.exitValue() == 0) {
        completed.complete(null);
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(name + ": kept failing\n" + tail(name));
      }
      TimeUnit.SECONDS.sleep(1); // compose's restart delay
    }
  }

  private ProcessBuilder builder(Launch l, List<String> argv, Path log) {
    List<String> command = new ArrayList<>();
    if (root && l.user() != null) {
      command.addAll(
          List.of(
              "setpriv",
              "--reuid=" + l.user(),
              "--regid=" + groupOf(l.user()),
              "--init-groups",
              "--"));
    }
    command.addAll(argv);
    ProcessBuilder b = new ProcessBuilder(command);
    b.environment().keySet().removeIf(k -> k.startsWith("MESOS_HEALTH_") || k.startsWith("KAFKA_"));
    b.environment().putAll(l.env());
    b.directory(l.workDir().toFile());
    b.redirectErrorStream(true);
    b.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    return b;
  }

  /** A user's primary group (nobody's is nogroup on Debian). */
  private static String groupOf(String user) {
    try {
      Process p = new ProcessBuilder("id", "-g", user).redirectErrorStream(true).start();
      String gid = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      p.waitFor(5, TimeUnit.SECONDS);
      return gid;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private Path log(String name) {
    return containers.get(name).root().resolve(name + ".log");
  }

  /** The last lines a service wrote. */
  String tail(String name) {
    try {
      List<String> lines = Files.readAllLines(log(name), StandardCharsets.UTF_8);
      return name
          + " log:\n  "
          + String.join("\n  ", lines.subList(Math.max(0, lines.size() - 25), lines.size()));
    } catch (IOException e) {
      return name + ": no log";
    }
  }

  private void awaitHealthy(String name, long deadline) throws Exception {
    if (compose.services().get(name).healthcheck() == null || isOneShot(name)) {
      return;
    }
    while (!healthy(name)) {
      Process p = processes.get(name);
      if (!p.isAlive()) {
        throw new IllegalStateException(
            name + ": exited with " + p.exitValue() + " before it was healthy\n" + tail(name));
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(name + ": health check never passed\n" + tail(name));
      }
      TimeUnit.SECONDS.sleep(1); // the health check's interval, shortened
    }
  }

  /**
   * Whether a service is healthy as compose judges it: its check passes before it has failed {@code
   * retries} times in a row (a check may fail once under load without making it unhealthy).
   */
  boolean healthyNow(String name) throws Exception {
    int retries = containers.get(name).service().healthcheck().retries();
    for (int i = 0; i < retries; i++) {
      if (healthy(name)) {
        return true;
      }
      TimeUnit.SECONDS.sleep(1); // the health check's interval, shortened
    }
    return false;
  }

  /** Runs a service's own health check once, in its container's view; true when it passes. */
  boolean healthy(String name) throws Exception {
    Container c = containers.get(name);
    ComposeFile.HealthCheck check = c.service().healthcheck();
    List<String> argv = new ArrayList<>(c.translate(check.argv(), true));
    if (argv.get(0).equals("sh") && argv.size() == 3) {
      String line = argv.get(2);
      Matcher server = Pattern.compile("--bootstrap-server\\s+([^\\s:]+):(\\d+)").matcher(line);
      if (KAFKA_TOOLS.keySet().stream().anyMatch(line::contains)
          && server.find()
          && !accepts(server.group(1), Integer.parseInt(server.group(2)))) {
        return false; // not listening yet: no need to start a JVM to hear that
      }
      for (Map.Entry<String, String> t : KAFKA_TOOLS.entrySet()) {
        line =
            line.replace(
                t.getKey(),
                "'" + JAVA + "' " + javaOptions(c) + " -cp '" + CLASSPATH + "' " + t.getValue());
      }
      argv.set(2, line);
    }
    Map<String, String> env = new HashMap<>(launches.get(name).checkEnv());
    return exec(argv, env, check.timeout()) == 0;
  }

  private static boolean accepts(String host, int port) {
    try (java.net.Socket socket = new java.net.Socket()) {
      socket.connect(new java.net.InetSocketAddress(host, port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private int exec(List<String> argv, Map<String, String> env, Duration timeout)
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

  /** Stops every service, the last started first, as {@code docker compose down}. */
  @Override
  public void close() {
    List<String> order = new ArrayList<>(startOrder);
    java.util.Collections.reverse(order);
    for (String name : order) {
      Process p = processes.get(name);
      p.descendants().forEach(ProcessHandle::destroy);
      p.destroy();
    }
    for (String name : order) {
      Process p = processes.get(name);
      try {
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          p.descendants().forEach(ProcessHandle::destroyForcibly);
          p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
