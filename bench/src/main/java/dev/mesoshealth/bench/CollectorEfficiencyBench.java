package dev.mesoshealth.bench;

import dev.mesoshealth.broker.EmbeddedKafkaBroker;
import dev.mesoshealth.collector.CollectorConfig;
import dev.mesoshealth.collector.CollectorMain;
import dev.mesoshealth.collector.http.HttpMesosClient;
import dev.mesoshealth.schemas.topics.Topics;
import dev.mesoshealth.service.SharedConfig;
import dev.mesoshealth.sim.MesosSimulator;
import dev.mesoshealth.sim.SimConfig;
import dev.mesoshealth.sim.cluster.SimAgent;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How close the collector runs to the limit of its HTTP client: against the same simulated agents,
 * first the bare JDK client (the collector's own client settings, the same 64 requests in flight)
 * fetches /metrics/snapshot as fast as it can, then the collector polls with an interval far
 * shorter than it can keep (so it runs flat out, skipping rounds) and parses, assembles and
 * publishes every answer to Kafka. The ratio of their rates is the collector's efficiency (target
 * >= 0.7).
 */
public final class CollectorEfficiencyBench {

  /** What one run measured. */
  public record Result(
      int agents, Duration window, double rawPerSecond, double collectorPerSecond) {

    public double ratio() {
      return collectorPerSecond / rawPerSecond;
    }

    public String markdown() {
      return String.format(
          "| agents | measured | raw JDK client GETs | collector polls (parsed, published) | ratio |"
              + " target |%n|---:|---:|---:|---:|---:|---:|%n| %,d | %d s | %,.0f /s | %,.0f /s |"
              + " %.2f | ≥ 0.7 |%n",
          agents, window.toSeconds(), rawPerSecond, collectorPerSecond, ratio());
    }
  }

  private static final int IN_FLIGHT = 64;

  private final int agents;
  private final Duration window;

  public CollectorEfficiencyBench(int agents, Duration window) {
    this.agents = agents;
    this.window = window;
  }

  public Result run() throws Exception {
    // both sides keep a connection per agent: the JDK client reads these once, on first use
    System.setProperty("jdk.httpclient.connectionPoolSize", Integer.toString(agents));
    System.setProperty("jdk.httpclient.keepalive.timeout", "5");
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startTemporary();
        MesosSimulator sim =
            MesosSimulator.start(
                SimConfig.forTests(3, agents, 11).withCluster("eff").withSharedAgentSocket(true))) {
      broker.createTopics(Topics.all(), Topics.PARTITIONS);
      List<URI> urls =
          sim.cluster().agents().stream()
              .map(a -> URI.create("http://" + address(a) + "/metrics/snapshot"))
              .toList();
      int openBefore = openFiles();
      double raw = rawRate(urls);
      log(String.format("raw JDK client: %,.0f GETs/s", raw));
      awaitIdleConnectionsClosed(openBefore);

      Map<String, String> c = new HashMap<>();
      c.put(SharedConfig.CLUSTER_NAME, "eff");
      c.put("collector.id", "eff");
      c.put("mesos.masters", String.join(",", sim.masterUrls()));
      c.put(SharedConfig.POLL_INTERVAL, "500ms"); // far more than it can do: it runs flat out
      c.put("inventory.interval", "30s");
      c.put("http.max.concurrency", Integer.toString(IN_FLIGHT));
      c.put("http.max.idle.connections", Integer.toString(agents));
      c.put(SharedConfig.KAFKA_BOOTSTRAP_SERVERS, broker.bootstrapServers());
      c.put(SharedConfig.ADMIN_PORT, "0");
      try (CollectorMain collector = CollectorMain.start(CollectorConfig.fromFlags(c))) {
        TimeUnit.NANOSECONDS.sleep(warmUp().toNanos()); // discovery, inventory, JIT (not a wait)
        long before = collector.metrics().pollsTotal();
        long start = System.nanoTime();
        TimeUnit.NANOSECONDS.sleep(window.toNanos()); // the measured window
        double seconds = (System.nanoTime() - start) / 1e9;
        double rate = (collector.metrics().pollsTotal() - before) / seconds;
        log(String.format("collector: %,.0f polls/s", rate));
        if (rate > 0.95 * agents / 0.5) {
          log("the collector kept its 500 ms interval, so this is not its limit: use more agents");
        }
        return new Result(agents, window, raw, rate);
      }
    }
  }

  /**
   * The bare client's connections close 5 s after their last use; the collector's must not meet
   * them under the open-files limit, so wait until the files open are back to what they were before
   * the bare client ran, give or take a few (the broker's and the simulator's come and go).
   */
  private void awaitIdleConnectionsClosed(int openBefore) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (openFiles() > openBefore + 16 && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(200); // polling the open files until the pool has closed them
    }
  }

  /** Files this process has open (0 where /proc/self/fd is not there to count them). */
  private static int openFiles() {
    String[] open = new File("/proc/self/fd").list();
    return open == null ? 0 : open.length;
  }

  /** A third of the window, between 2 s and 10 s. */
  private Duration warmUp() {
    return Duration.ofSeconds(Math.min(10, Math.max(2, window.toSeconds() / 3)));
  }

  private static String address(SimAgent a) {
    return a.ip() + ":" + a.port();
  }

  /** GETs/s of the bare client, round-robin over the agents, 64 in flight. */
  private double rawRate(List<URI> urls) throws InterruptedException {
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      HttpClient http = HttpMesosClient.newHttpClient(Duration.ofSeconds(5), null, threads);
      Semaphore slots = new Semaphore(IN_FLIGHT);
      AtomicLong answered = new AtomicLong();
      long warmUpEnd = System.nanoTime() + warmUp().toNanos();
      long end = warmUpEnd + window.toNanos();
      long countedFrom = -1;
      int i = 0;
      while (System.nanoTime() < end) {
        slots.acquire();
        if (countedFrom < 0 && System.nanoTime() >= warmUpEnd) {
          countedFrom = answered.get();
        }
        HttpRequest request =
            HttpRequest.newBuilder(urls.get(i++ % urls.size()))
                .timeout(Duration.ofSeconds(5))
                .build();
        http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
            .whenComplete(
                (r, e) -> {
                  if (e == null && r.statusCode() == 200) {
                    answered.incrementAndGet();
                  }
                  slots.release();
                });
      }
      slots.acquire(IN_FLIGHT);
      return (answered.get() - countedFrom) / (window.toNanos() / 1e9);
    } finally {
      threads.shutdownNow();
    }
  }

  private static void log(String message) {
    System.err.println("bench collector: " + message);
  }
}
