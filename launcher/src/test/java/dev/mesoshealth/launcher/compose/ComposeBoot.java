package dev.mesoshealth.launcher.compose;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
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

/**
 * docker-compose.yml played by local processes, for machines without a Docker engine: each service
 * runs as what its image runs (our image through bin/mesos-health, the others from Debian's
 * packages and Kafka's own classes, each configured from the file the way its image configures
 * itself) in a {@link Container} of its own, started once what it depends on is started or healthy,
 * as compose orders them. A service's health check is its own command, run as compose runs it.
 *
 * <p>Where this differs from Docker, on purpose: health checks are polled every second instead of
 * their interval and Prometheus scrapes every 2 s (the test waits less); JVMs run with C1 only and
 * the serial GC (eleven JVMs start on two cores); PostgreSQL runs with fsync off; services whose
 * image user this machine has (haproxy, postgres, nobody) run as that user when the test runs as
 * root, the others as the test's user. Images with no stand-in here are listed by {@link
 * #notRun()}, with why.
 */
final class ComposeBoot implements AutoCloseable {
  private final ComposeFile compose;
  private final Path base;
  private final boolean root = "root".equals(System.getProperty("user.name"));
  private final Map<String, String> addresses = new LinkedHashMap<>();
  private final Map<String, Container> containers = new LinkedHashMap<>();
  private final Map<String, Images.Launch> launches = new LinkedHashMap<>();
  private final Images images;
  private final Map<String, Process> processes = new ConcurrentHashMap<>();
  private final List<String> startOrder = java.util.Collections.synchronizedList(new ArrayList<>());

  /**
   * @param overrides per service, environment that replaces the file's (as an override file would)
   */
  ComposeBoot(Path composeFile, Path dist, Path base, Map<String, Map<String, String>> overrides)
      throws IOException {
    this.compose = ComposeFile.read(composeFile);
    this.base = base;
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
    this.images = new Images(composeFile.getParent(), dist, base, overrides, addresses);
    for (ComposeFile.Service s : compose.services().values()) {
      Path dir = base.resolve(s.name());
      Files.createDirectories(dir.resolve("tmp"));
      Container c = new Container(s, addresses.get(s.name()), dir, addresses);
      c.mount("/tmp", dir.resolve("tmp"));
      containers.put(s.name(), c);
      Images.Launch launch = images.launch(c);
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
    return images.notRun();
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
    Images.Launch l = launches.get(name);
    Container c = containers.get(name);
    if (root && l.user() != null) {
      Images.exec(
          List.of("chown", "-R", l.user() + ":", c.root().toString()),
          Map.of(),
          Duration.ofSeconds(30));
      for (ComposeFile.Volume v : c.service().volumes()) {
        if (v.named()) {
          Images.exec(
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
        l.afterStart()
            .run(
                new Images.Running() {
                  @Override
                  public boolean alive() {
                    return p.isAlive();
                  }

                  @Override
                  public String tail() {
                    return ComposeBoot.this.tail(name);
                  }
                });
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

  private ProcessBuilder builder(Images.Launch l, List<String> argv, Path log) {
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
      if (Images.KAFKA_TOOLS.keySet().stream().anyMatch(line::contains)
          && server.find()
          && !accepts(server.group(1), Integer.parseInt(server.group(2)))) {
        return false; // not listening yet: no need to start a JVM to hear that
      }
      for (Map.Entry<String, String> t : Images.KAFKA_TOOLS.entrySet()) {
        line =
            line.replace(
                t.getKey(),
                "'"
                    + Images.JAVA
                    + "' "
                    + images.javaOptions(c)
                    + " -cp '"
                    + Images.CLASSPATH
                    + "' "
                    + t.getValue());
      }
      argv.set(2, line);
    }
    Map<String, String> env = new HashMap<>(launches.get(name).checkEnv());
    return Images.exec(argv, env, check.timeout()) == 0;
  }

  private static boolean accepts(String host, int port) {
    try (java.net.Socket socket = new java.net.Socket()) {
      socket.connect(new java.net.InetSocketAddress(host, port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * CPU seconds each running service has used so far, with its child processes, most first: where
   * the drill's CPU goes, for the build's log.
   */
  String cpuByService() {
    List<Map.Entry<String, Double>> used = new ArrayList<>();
    for (String name : startOrder) {
      Process p = processes.get(name);
      double seconds =
          java.util.stream.Stream.concat(java.util.stream.Stream.of(p.toHandle()), p.descendants())
              .mapToDouble(
                  h -> h.info().totalCpuDuration().map(d -> d.toMillis() / 1e3).orElse(0.0))
              .sum();
      used.add(Map.entry(name, seconds));
    }
    used.sort(Map.Entry.<String, Double>comparingByValue().reversed());
    StringBuilder b = new StringBuilder();
    for (Map.Entry<String, Double> e : used) {
      b.append(String.format(" %s %.1f", e.getKey(), e.getValue()));
    }
    return b.toString().trim();
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
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10); // compose's grace, for all
    for (String name : order) {
      Process p = processes.get(name);
      try {
        if (!p.waitFor(remaining(deadline), TimeUnit.NANOSECONDS)) {
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
