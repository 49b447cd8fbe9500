package dev.mesoshealth.bench;

import dev.mesoshealth.collector.core.KeyBaseline;
import dev.mesoshealth.collector.core.PollResult;
import dev.mesoshealth.collector.core.SnapshotAssembler;
import dev.mesoshealth.events.CollectorRef;
import dev.mesoshealth.events.MetricSnapshot;
import dev.mesoshealth.events.NodeRef;
import dev.mesoshealth.events.NodeRole;
import dev.mesoshealth.processor.ProcessorConfig;
import dev.mesoshealth.processor.ProcessorMain;
import dev.mesoshealth.schemas.metrics.MetricCatalogue;
import dev.mesoshealth.schemas.topics.Topics;
import dev.mesoshealth.service.ServiceConfig;
import dev.mesoshealth.sim.SimConfig;
import dev.mesoshealth.sim.cluster.SimAgent;
import dev.mesoshealth.sim.cluster.SimCluster;
import dev.mesoshealth.testkit.EmbeddedKafkaBroker;
import dev.mesoshealth.testkit.Offsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * How close the health topology runs to the limit of reading its input: the same backlog of
 * snapshots (N agents x R rounds, each a real simulator /metrics/snapshot through the collector's
 * own parser and assembler) is read twice in one run, first by a bare consumer loop that only reads
 * and Avro-decodes, then by a fresh processor catching up from the beginning (exactly-once, one
 * stream thread, every store and output topic). The ratio of their records/s is the processor's
 * efficiency (target >= 0.5).
 */
public final class ProcessorEfficiencyBench {

  /** What one run measured. */
  public record Result(
      int agents,
      int rounds,
      long records,
      double rawPerSecond,
      double processorPerSecond,
      Duration processorStartup) {

    public double ratio() {
      return processorPerSecond / rawPerSecond;
    }

    public String markdown() {
      return String.format(
          "| agents x rounds | records | raw read + decode | processor | ratio | target |"
              + " processor start-up |%n|---|---:|---:|---:|---:|---:|---:|%n"
              + "| %,d x %d | %,d | %,.0f /s | %,.0f /s | %.2f | ≥ 0.5 | %.1f s |%n",
          agents,
          rounds,
          records,
          rawPerSecond,
          processorPerSecond,
          ratio(),
          processorStartup.toMillis() / 1000.0);
    }
  }

  private final int agents;
  private final int rounds;

  public ProcessorEfficiencyBench(int agents, int rounds) {
    this.agents = agents;
    this.rounds = rounds;
  }

  public Result run() throws Exception {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startTemporary()) {
      String bootstrap = broker.bootstrapServers();
      broker.createTopics(Topics.all(), Topics.PARTITIONS);
      long records = fill(bootstrap);
      log("backlog: " + records + " snapshots");

      double raw = rawReadAndDecode(bootstrap, records);
      log(String.format("raw read + decode: %,.0f records/s", raw));

      Map<String, String> p = new HashMap<>();
      p.put("kafka.bootstrap.servers", bootstrap);
      p.put("application.id", "efficiency");
      p.put("poll.interval", "10s");
      p.put("api.port", "0");
      p.put("state.dir", Files.createTempDirectory("efficiency-").toString());
      long started = System.nanoTime();
      long firstCommit;
      long done;
      long committedAtStart;
      try (ProcessorMain processor =
          ProcessorMain.start(
              ProcessorConfig.from(
                  ServiceConfig.parse(
                      ProcessorConfig.DEFINITION,
                      new ServiceConfig.Sources().flags(p),
                      ProcessorConfig.PASS_THROUGH)))) {
        committedAtStart = awaitCommitted(bootstrap, 1);
        firstCommit = System.nanoTime();
        awaitCommitted(bootstrap, records);
        done = System.nanoTime();
        log("processor evaluations: " + processor.evaluations());
      }
      // from its first commit on: start-up (topics, rebalance, restore) is reported apart
      long after = records - committedAtStart;
      double processorRate =
          after > 0 && done > firstCommit
              ? after / ((done - firstCommit) / 1e9)
              : records / ((done - started) / 1e9); // a backlog done in one commit
      return new Result(
          agents, rounds, records, raw, processorRate, Duration.ofNanos(firstCommit - started));
    }
  }

  /** Waits until the processor has committed at least {@code records}; returns how many. */
  private static long awaitCommitted(String bootstrap, long records) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      while (true) {
        long sum =
            Offsets.committed(admin, "efficiency", Topics.METRIC_SNAPSHOTS.name()).values().stream()
                .mapToLong(Long::longValue)
                .sum();
        if (sum >= records) {
          return sum;
        }
        TimeUnit.MILLISECONDS.sleep(20); // polling the processor's committed offsets
      }
    }
  }

  /** N agents x R rounds of real snapshots, made the way the collector makes them. */
  private long fill(String bootstrap) {
    SimCluster sim =
        new SimCluster(SimConfig.standard(3, agents, 7).withCluster("eff"), Clock.systemUTC());
    SnapshotAssembler assembler = new SnapshotAssembler(MetricCatalogue.standard());
    CollectorRef collector = new CollectorRef("bench", "0/1", agents, 0);
    Instant base = Instant.now().minus(Duration.ofSeconds(10L * rounds));
    AtomicLong acked = new AtomicLong();
    AtomicReference<Exception> failed = new AtomicReference<>();
    Map<String, Object> config =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ProducerConfig.LINGER_MS_CONFIG,
            20,
            ProducerConfig.BATCH_SIZE_CONFIG,
            256 * 1024,
            // the in-process broker under this burst has made the idempotent producer loop on
            // OUT_OF_ORDER_SEQUENCE_NUMBER until its batches expired; one request in flight keeps
            // the order without it
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            false,
            ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
            1,
            ProducerConfig.ACKS_CONFIG,
            "all");
    try (KafkaProducer<String, MetricSnapshot> producer =
        new KafkaProducer<>(
            config, new StringSerializer(), Topics.METRIC_SNAPSHOTS.valueSerde().serializer())) {
      // a new topic's partitions may not have a leader on the broker yet: wait for them
      while (producer.partitionsFor(Topics.METRIC_SNAPSHOTS.name()).stream()
          .anyMatch(pi -> pi.leader() == null)) {
        Thread.onSpinWait();
      }
      List<SimAgent> all = new ArrayList<>(sim.agents());
      for (int r = 0; r < rounds; r++) {
        Instant at = base.plusSeconds(10L * r);
        for (SimAgent a : all) {
          byte[] body = sim.renderAgentSnapshot(a);
          NodeRef node =
              new NodeRef("eff", NodeRole.AGENT, a.id(), a.hostname(), a.ip() + ":" + a.port());
          MetricSnapshot s =
              assembler
                  .assemble(
                      node,
                      at,
                      new PollResult.Response(200, body, null, Duration.ofMillis(3)),
                      KeyBaseline.EMPTY,
                      collector,
                      "1.4.1")
                  .snapshot();
          producer.send(
              new ProducerRecord<>(Topics.METRIC_SNAPSHOTS.name(), a.id(), s),
              (meta, e) -> {
                if (e == null) {
                  acked.incrementAndGet();
                } else {
                  failed.compareAndSet(null, e);
                }
              });
        }
      }
      producer.flush();
    }
    if (failed.get() != null) {
      throw new IllegalStateException("filling the backlog failed: " + failed.get(), failed.get());
    }
    return acked.get();
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
