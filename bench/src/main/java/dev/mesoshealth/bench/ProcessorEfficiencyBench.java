package dev.mesoshealth.bench;

import dev.mesoshealth.broker.EmbeddedKafkaBroker;
import dev.mesoshealth.events.MetricSnapshot;
import dev.mesoshealth.processor.ProcessorConfig;
import dev.mesoshealth.processor.ProcessorMain;
import dev.mesoshealth.schemas.topics.Topics;
import dev.mesoshealth.service.SharedConfig;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * How close the health topology runs to the limit of reading its input: the same backlog of
 * snapshots (N agents x R rounds, each a real simulator /metrics/snapshot through the collector's
 * own parser and assembler) is read by a bare consumer loop that only reads and Avro-decodes, then
 * by a fresh processor catching up from the beginning (exactly-once, one stream thread, every store
 * and output topic). The ratio of their records/s is the processor's efficiency (target >= 0.5).
 *
 * <p>Both are run twice in the one JVM, the second time measured: on the first pass the JIT
 * compilers took more CPU than the stream thread, so it measures a cold JVM, not a service that
 * runs for weeks. The first pass is reported too.
 */
public final class ProcessorEfficiencyBench {

  /** One pass: both readers over the whole backlog. */
  public record Pass(
      double rawPerSecond, double processorPerSecond, Duration processorStartup, long transitions) {

    public double ratio() {
      return processorPerSecond / rawPerSecond;
    }
  }

  /** What one run measured: the cold pass, then the measured one. */
  public record Result(int agents, int rounds, long records, Pass cold, Pass warm) {

    public double ratio() {
      return warm == null ? cold.ratio() : warm.ratio();
    }

    public String markdown() {
      return String.format(
          "| agents x rounds | records | pass | raw read + decode | processor | ratio | target |"
              + " processor start-up |%n|---|---:|---|---:|---:|---:|---:|---:|%n"
              + "%s%s",
          row("1st (cold JVM)", cold), warm == null ? "" : row("**2nd (measured)**", warm));
    }

    private String row(String name, Pass p) {
      return String.format(
          "| %,d x %d | %,d | %s | %,.0f /s | %,.0f /s | %.2f | ≥ 0.5 | %.1f s |%n",
          agents,
          rounds,
          records,
          name,
          p.rawPerSecond(),
          p.processorPerSecond(),
          p.ratio(),
          p.processorStartup().toMillis() / 1000.0);
    }
  }

  private final int agents;
  private final int rounds;
  private final int passes;

  public ProcessorEfficiencyBench(int agents, int rounds) {
    this(agents, rounds, 2);
  }

  /**
   * @param passes 2 measures a second pass in the warmed JVM; 1 the cold pass only (the harness's
   *     smoke test)
   */
  public ProcessorEfficiencyBench(int agents, int rounds, int passes) {
    this.agents = agents;
    this.rounds = rounds;
    this.passes = passes;
  }

  public Result run() throws Exception {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startTemporary()) {
      String bootstrap = broker.bootstrapServers();
      broker.createTopics(Topics.all(), Topics.PARTITIONS);
      long records = SnapshotBacklog.fill(bootstrap, "eff", agents, rounds).records();
      log("backlog: " + records + " snapshots");
      Pass cold = pass(bootstrap, records, "efficiency-cold");
      Pass warm = passes < 2 ? null : pass(bootstrap, records, "efficiency");
      return new Result(agents, rounds, records, cold, warm);
    }
  }

  private static Pass pass(String bootstrap, long records, String applicationId) throws Exception {
    double raw = rawReadAndDecode(bootstrap, records);
    log(String.format("%s: raw read + decode: %,.0f records/s", applicationId, raw));

    Map<String, String> p = new HashMap<>();
    p.put(SharedConfig.KAFKA_BOOTSTRAP_SERVERS, bootstrap);
    p.put("application.id", applicationId);
    p.put(SharedConfig.POLL_INTERVAL, "10s");
    p.put("api.port", "0");
    p.put("state.dir", Files.createTempDirectory(applicationId + "-").toString());
    long started = System.nanoTime();
    long firstCommit;
    long done;
    long committedAtStart;
    long transitions;
    try (ProcessorMain processor = ProcessorMain.start(ProcessorConfig.fromFlags(p))) {
      committedAtStart = SnapshotBacklog.awaitCommitted(bootstrap, applicationId, 1);
      firstCommit = System.nanoTime();
      SnapshotBacklog.awaitCommitted(bootstrap, applicationId, records);
      done = System.nanoTime();
      transitions = processor.transitions();
      log(
          applicationId
              + ": processor evaluations: "
              + processor.evaluations()
              + ", transitions: "
              + transitions);
    }
    // from its first commit on: start-up (topics, rebalance, restore) is reported apart
    long after = records - committedAtStart;
    double processorRate =
        after > 0 && done > firstCommit
            ? after / ((done - firstCommit) / 1e9)
            : records / ((done - started) / 1e9); // a backlog done in one commit
    return new Pass(raw, processorRate, Duration.ofNanos(firstCommit - started), transitions);
  }

  /** Records/s of a consumer that reads the whole topic and Avro-decodes every value. */
  private static double rawReadAndDecode(String bootstrap, long records) {
    Deserializer<MetricSnapshot> decode = Topics.METRIC_SNAPSHOTS.valueSerde().deserializer();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> parts = new ArrayList<>();
      consumer
          .partitionsFor(Topics.METRIC_SNAPSHOTS.name())
          .forEach(pi -> parts.add(new TopicPartition(pi.topic(), pi.partition())));
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      long read = 0;
      long decodedMetrics = 0;
      long start = System.nanoTime();
      while (read < records) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          decodedMetrics += decode.deserialize(r.topic(), r.value()).getMetrics().size();
          read++;
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      log("raw loop decoded " + decodedMetrics + " metric values");
      return read / seconds;
    }
  }

  private static void log(String message) {
    System.err.println("bench processor: " + message);
  }

  /** {@code ProcessorEfficiencyBench [agents] [rounds]}. */
  public static void main(String[] args) throws Exception {
    int agents = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    System.out.println(new ProcessorEfficiencyBench(agents, rounds).run().markdown());
  }
}
