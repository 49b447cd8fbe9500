package dev.mesoshealth.bench;

import dev.mesoshealth.broker.EmbeddedKafkaBroker;
import dev.mesoshealth.processor.ProcessorConfig;
import dev.mesoshealth.processor.ProcessorMain;
import dev.mesoshealth.schemas.topics.Topics;
import dev.mesoshealth.service.SharedConfig;
import dev.mesoshealth.testkit.Offsets;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The processor's state at scale: N agents' health held by two instances.
 *
 * <ul>
 *   <li>Interactive queries: {@code GET /v1/nodes/{id}/health} for every node, all sent to one
 *       instance, so about half are forwarded to the other; latency percentiles.
 *   <li>Takeover when one instance of two stops, with a standby replica (warm) and without one (the
 *       survivor restores the other's stores from their changelogs).
 *   <li>A fresh instance on an empty state directory restoring everything.
 * </ul>
 */
public final class ProcessorStateBench {
  private static final int QUERY_THREADS = 4;

  /** What one run measured; latencies in ms. */
  public record Result(
      int agents,
      long records,
      int queries,
      double queriesPerSecond,
      double p50,
      double p95,
      double p99,
      double max,
      Duration warmTakeover,
      Duration coldTakeover,
      Duration freshRestore,
      long changelogOffsets) {

    public String markdown() {
      return String.format(
          "Interactive queries, %,d agents, two instances, every query sent to one of them"
              + " (about half forwarded), %d client threads:%n%n"
              + "| queries | queries/s | p50 | p95 | p99 | max |%n|---:|---:|---:|---:|---:|---:|%n"
              + "| %,d | %,.0f | %.1f ms | %.1f ms | %.1f ms | %.1f ms |%n%n"
              + "Restore, %,d agents (%,d snapshots behind them; the changelogs hold %,d"
              + " offsets):%n%n"
              + "| case | time until the instance runs all the work |%n|---|---:|%n"
              + "| one of two stops, the survivor holds a standby replica | %.1f s |%n"
              + "| one of two stops, no standby: the survivor restores the other's half |"
              + " %.1f s |%n"
              + "| a fresh instance on an empty state directory restores everything | %.1f s"
              + " |%n",
          agents,
          QUERY_THREADS,
          queries,
          queriesPerSecond,
          p50,
          p95,
          p99,
          max,
          agents,
          records,
          changelogOffsets,
          warmTakeover.toMillis() / 1000.0,
          coldTakeover.toMillis() / 1000.0,
          freshRestore.toMillis() / 1000.0);
    }
  }

  private final int agents;
  private final int rounds;
  private final int queries;
  private final int partitions;

  public ProcessorStateBench(int agents, int rounds, int queries) {
    this(agents, rounds, queries, Topics.PARTITIONS);
  }

  /** With topics of {@code partitions} (production's by default; the build's smoke run, fewer). */
  public ProcessorStateBench(int agents, int rounds, int queries, int partitions) {
    this.agents = agents;
    this.rounds = rounds;
    this.queries = queries;
    this.partitions = partitions;
  }

  private ProcessorMain instance(String bootstrap, String app, int standbys) throws Exception {
    Map<String, String> p = new HashMap<>();
    p.put(SharedConfig.KAFKA_BOOTSTRAP_SERVERS, bootstrap);
    p.put("application.id", app);
    p.put(SharedConfig.POLL_INTERVAL, "10s");
    p.put("api.port", "0");
    p.put(SharedConfig.TOPICS_PARTITIONS, Integer.toString(partitions));
    p.put("num.standby.replicas", Integer.toString(standbys));
    p.put("state.dir", Files.createTempDirectory(app + "-").toString());
    return ProcessorMain.start(ProcessorConfig.fromFlags(p));
  }

  /** Both RUNNING, each with work, the backlog all committed. */
  private static void awaitPair(
      String bootstrap, String app, long records, ProcessorMain a, ProcessorMain b)
      throws Exception {
    SnapshotBacklog.awaitCommitted(bootstrap, app, records);
    while (!(a.streams().state() == KafkaStreams.State.RUNNING
        && b.streams().state() == KafkaStreams.State.RUNNING
        && a.streams().metadataForAllStreamsClients().size() == 2
        && a.streams().metadataForAllStreamsClients().stream()
            .allMatch(m -> !m.topicPartitions().isEmpty()))) {
      TimeUnit.MILLISECONDS.sleep(50); // polling the instances' state
    }
  }

  /**
   * RUNNING and every local store partition caught up with its changelog: with the state updater a
   * stream thread can run while its stores are still restoring, so RUNNING alone is not enough.
   */
  private static boolean restored(ProcessorMain p) {
    return p.streams().state() == KafkaStreams.State.RUNNING
        && !p.streams().allLocalStorePartitionLags().isEmpty()
        && p.streams().allLocalStorePartitionLags().values().stream()
            .flatMap(m -> m.values().stream())
            .allMatch(lag -> lag.offsetLag() == 0);
  }

  /** Stops {@code gone} and returns how long until {@code survivor} runs all the work alone. */
  private static Duration takeover(ProcessorMain gone, ProcessorMain survivor) throws Exception {
    long t0 = System.nanoTime();
    gone.close();
    while (!(survivor.streams().metadataForAllStreamsClients().size() == 1 && restored(survivor))) {
      TimeUnit.MILLISECONDS.sleep(20); // polling the survivor's state
    }
    return Duration.ofNanos(System.nanoTime() - t0);
  }

  /** Latencies (ms) of one GET per node, all against {@code api}, from a few threads. */
  private double[] queryLatencies(String api, List<String> ids) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    AtomicLong failures = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(QUERY_THREADS);
    try {
      List<Future<List<Double>>> parts = new ArrayList<>();
      for (int t = 0; t < QUERY_THREADS; t++) {
        int offset = t;
        parts.add(
            pool.submit(
                () -> {
                  List<Double> ms = new ArrayList<>();
                  for (int i = offset; i < queries; i += QUERY_THREADS) {
                    String id = ids.get(i % ids.size());
                    long s = System.nanoTime();
                    int status =
                        http.send(
                                HttpRequest.newBuilder(
                                        URI.create(api + "/v1/nodes/" + id + "/health"))
                                    .build(),
                                HttpResponse.BodyHandlers.discarding())
                            .statusCode();
                    ms.add((System.nanoTime() - s) / 1e6);
                    if (status != 200) {
                      failures.incrementAndGet();
                    }
                  }
                  return ms;
                }));
      }
      List<Double> all = new ArrayList<>();
      for (Future<List<Double>> f : parts) {
        all.addAll(f.get());
      }
      if (failures.get() > 0) {
        throw new IllegalStateException(failures.get() + " queries were not answered with 200");
      }
      double[] sorted = all.stream().mapToDouble(Double::doubleValue).toArray();
      Arrays.sort(sorted);
      return sorted;
    } finally {
      pool.shutdownNow();
    }
  }

  private static double percentile(double[] sorted, double p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
  }

  public Result run() throws Exception {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startTemporary()) {
      String bootstrap = broker.bootstrapServers();
      broker.createTopics(Topics.all(), partitions);
      SnapshotBacklog.Written backlog = SnapshotBacklog.fill(bootstrap, "state", agents, rounds);
      long records = backlog.records();
      List<String> ids = backlog.agentIds();
      log("backlog: " + records + " snapshots");

      // 1. two instances with a standby each: queries, then a warm takeover
      Duration warm;
      double[] latencies;
      double qps;
      ProcessorMain a = instance(bootstrap, "state-standby", 1);
      try (ProcessorMain b = instance(bootstrap, "state-standby", 1)) {
        awaitPair(bootstrap, "state-standby", records, a, b);
        queryLatencies(a.apiUrl(), ids.subList(0, Math.min(ids.size(), 2_000))); // warm-up
        long t0 = System.nanoTime();
        latencies = queryLatencies(a.apiUrl(), ids);
        double seconds = (System.nanoTime() - t0) / 1e9;
        qps = latencies.length / seconds;
        warm = takeover(a, b);
        log("takeover with a standby: " + warm.toMillis() + " ms");
      }

      // 2. two instances without standbys: the survivor restores the other's half
      Duration cold;
      ProcessorMain c = instance(bootstrap, "state-cold", 0);
      try (ProcessorMain d = instance(bootstrap, "state-cold", 0)) {
        awaitPair(bootstrap, "state-cold", records, c, d);
        cold = takeover(c, d);
        log("takeover without a standby: " + cold.toMillis() + " ms");
      }

      // 3. a fresh instance on an empty state directory restores every store
      long t0 = System.nanoTime();
      Duration fresh;
      try (ProcessorMain e = instance(bootstrap, "state-cold", 0)) {
        while (!restored(e)) {
          TimeUnit.MILLISECONDS.sleep(20); // polling its state
        }
        fresh = Duration.ofNanos(System.nanoTime() - t0);
        log("fresh instance RUNNING after " + fresh.toMillis() + " ms");
      }
      return new Result(
          agents,
          records,
          latencies.length,
          qps,
          percentile(latencies, 0.50),
          percentile(latencies, 0.95),
          percentile(latencies, 0.99),
          latencies[latencies.length - 1],
          warm,
          cold,
          fresh,
          changelogOffsets(bootstrap, "state-cold"));
    }
  }

  /** End offsets summed over the application's changelog topics (records plus commit markers). */
  private static long changelogOffsets(String bootstrap, String app) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      long sum = 0;
      for (String topic : admin.listTopics().names().get(30, TimeUnit.SECONDS)) {
        if (topic.startsWith(app + "-") && topic.endsWith("-changelog")) {
          sum += Offsets.end(admin, topic).values().stream().mapToLong(Long::longValue).sum();
        }
      }
      return sum;
    }
  }

  private static void log(String message) {
    System.err.println("bench state: " + message);
  }

  /** {@code ProcessorStateBench [agents] [rounds] [queries]}. */
  public static void main(String[] args) throws Exception {
    int agents = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    int queries = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
    System.out.println(new ProcessorStateBench(agents, rounds, queries).run().markdown());
  }
}
