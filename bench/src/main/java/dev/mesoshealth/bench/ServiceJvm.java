package dev.mesoshealth.bench;

import dev.mesoshealth.collector.CollectorConfig;
import dev.mesoshealth.collector.CollectorMain;
import dev.mesoshealth.processor.ProcessorConfig;
import dev.mesoshealth.processor.ProcessorMain;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A collector or a processor in a JVM of its own, as in production, started from this classpath:
 * the parent gets its address when it is up, its CPU time, and can stop it (SIGTERM: it stops
 * polling, delivers what it polled and says how many polls it made) or kill it (SIGKILL).
 */
final class ServiceJvm implements AutoCloseable {
  /** The child's lines for its parent start with this; everything else it prints goes to a log. */
  private static final String SAYS = "mesos-health-child: ";

  private final String name;
  private final Process process;
  private final CompletableFuture<String> url = new CompletableFuture<>();
  private final CompletableFuture<Long> pollsMade = new CompletableFuture<>();
  private final Path log;

  private ServiceJvm(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
    Thread reader = new Thread(this::read, "bench-child-" + name);
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts {@code role} ("collector" or "processor") with these settings.
   *
   * @param jvmArgs options for the child's JVM (heap, compiler)
   * @param logDir where the child's own output goes, one file per child
   */
  static ServiceJvm start(
      String name, String role, Map<String, String> settings, List<String> jvmArgs, Path logDir)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmArgs);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(ServiceJvm.class.getName());
    command.add(role);
    settings.forEach((k, v) -> command.add(k + "=" + v));
    Path log = logDir.resolve(name + ".log");
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    return new ServiceJvm(name, p, log);
  }

  private void read() {
    try (BufferedReader in =
            new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        PrintWriter out = new PrintWriter(Files.newBufferedWriter(log), true)) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.startsWith(SAYS + "ready ")) {
          url.complete(line.substring((SAYS + "ready ").length()));
        } else if (line.startsWith(SAYS + "polls ")) {
          pollsMade.complete(Long.parseLong(line.substring((SAYS + "polls ").length())));
        } else {
          out.println(line);
        }
      }
    } catch (IOException e) {
      // the child is gone
    } finally {
      url.completeExceptionally(new IllegalStateException(name + " exited; see " + log));
      pollsMade.completeExceptionally(new IllegalStateException(name + " said no poll count"));
    }
  }

  String name() {
    return name;
  }

  /** The collector's admin address or the processor's REST API, once it runs. */
  String awaitUrl(Duration timeout) throws Exception {
    try {
      return url.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException(name + " not up after " + timeout + "; see " + log, e);
    }
  }

  /** CPU time the child has used so far, all its threads. */
  Duration cpu() {
    return process.toHandle().info().totalCpuDuration().orElse(Duration.ZERO);
  }

  /** SIGKILL: no goodbye, no flush, no leaving the group. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** SIGTERM, then waits for it to exit; for a collector, the polls it made in all. */
  long stop(Duration timeout) throws Exception {
    // through the handle: Process.destroy() would also close the pipe its last words come on
    process.toHandle().destroy();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException(name + " did not stop within " + timeout);
    }
    // the reader may still be on the last lines the child wrote before it exited
    return pollsMade.handle((n, e) -> e == null ? n : -1L).get(10, TimeUnit.SECONDS);
  }

  /** A gauge or counter from the child's /metrics (summed over labels). */
  double metric(String metricName) throws Exception {
    String body =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(awaitUrl(Duration.ZERO) + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    return body.lines()
        .filter(l -> l.startsWith(metricName + " ") || l.startsWith(metricName + "{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }

  /** In the child: {@code ServiceJvm collector|processor key=value...}. */
  public static void main(String[] args) throws Exception {
    Map<String, String> settings = new LinkedHashMap<>();
    for (int i = 1; i < args.length; i++) {
      int eq = args[i].indexOf('=');
      settings.put(args[i].substring(0, eq), args[i].substring(eq + 1));
    }
    CountDownLatch stopped = new CountDownLatch(1);
    switch (args[0]) {
      case "collector" -> {
        CollectorMain c = CollectorMain.start(CollectorConfig.fromFlags(settings));
        say("ready http://127.0.0.1:" + c.adminPort());
        Runtime.getRuntime()
            .addShutdownHook(
                new Thread(
                    () -> {
                      try {
                        c.stopPollingAndFlush();
                        say("polls " + c.metrics().pollsTotal());
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      } finally {
                        c.close();
                        stopped.countDown();
                      }
                    }));
      }
      case "processor" -> {
        ProcessorMain p = ProcessorMain.start(ProcessorConfig.fromFlags(settings));
        say("ready " + p.apiUrl());
        Runtime.getRuntime()
            .addShutdownHook(
                new Thread(
                    () -> {
                      p.close();
                      stopped.countDown();
                    }));
      }
      default -> throw new IllegalArgumentException("no such service: " + args[0]);
    }
    stopped.await();
  }

  private static void say(String line) {
    System.out.println(SAYS + line);
    System.out.flush();
  }
}
