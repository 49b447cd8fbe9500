package dev.mesoshealth.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mesoshealth.collector.core.KeyBaseline;
import dev.mesoshealth.collector.core.PollResult;
import dev.mesoshealth.collector.core.SnapshotAssembler;
import dev.mesoshealth.events.CollectorRef;
import dev.mesoshealth.events.MetricSnapshot;
import dev.mesoshealth.events.NodeRef;
import dev.mesoshealth.events.NodeRole;
import dev.mesoshealth.schemas.metrics.MetricCatalogue;
import dev.mesoshealth.schemas.topics.Topics;
import dev.mesoshealth.sim.SimConfig;
import dev.mesoshealth.sim.cluster.SimAgent;
import dev.mesoshealth.sim.cluster.SimCluster;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * What one {@code MetricSnapshot} costs on the wire: our Avro single-object encoding (the serde the
 * services use) next to Jackson JSON of the same data bound to a plain record, for a full agent
 * snapshot as the collector assembles it from the simulator's (real-key-set) {@code
 * /metrics/snapshot}. {@code bench/run SerdeBench} prints a table for docs/benchmarks.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
public class SerdeBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOPIC = Topics.METRIC_SNAPSHOTS.name();

  /** The same fields as the Avro record, as a JSON service would model them. */
  public record NodeJson(String cluster, String role, String id, String hostname, String address) {}

  public record CollectorJson(String id, String shard, int agentsTracked, int agentsFailing) {}

  public record SnapshotJson(
      NodeJson node,
      long polledAt,
      long durationMs,
      String outcome,
      Integer httpStatus,
      String error,
      Boolean elected,
      String mesosVersion,
      Map<String, Double> metrics,
      Map<String, Double> rawMetrics,
      List<String> missingKeys,
      CollectorJson collector) {}

  private final Serializer<MetricSnapshot> avroOut =
      Topics.METRIC_SNAPSHOTS.valueSerde().serializer();
  private final Deserializer<MetricSnapshot> avroIn =
      Topics.METRIC_SNAPSHOTS.valueSerde().deserializer();
  private MetricSnapshot snapshot;
  private SnapshotJson snapshotJson;
  private byte[] avro;
  private byte[] json;

  /** A full agent snapshot, as the collector publishes it. */
  static MetricSnapshot agentSnapshot() {
    SimCluster sim = new SimCluster(SimConfig.standard(1, 1, 7), Clock.systemUTC());
    SimAgent a = sim.agents().get(0);
    return new SnapshotAssembler(MetricCatalogue.standard())
        .assemble(
            new NodeRef("prod", NodeRole.AGENT, a.id(), a.hostname(), a.ip() + ":" + a.port()),
            Instant.parse("2026-11-26T00:00:00Z"),
            new PollResult.Response(200, sim.renderAgentSnapshot(a), null, Duration.ofMillis(3)),
            KeyBaseline.EMPTY,
            new CollectorRef("bench", "0/1", 1, 0, 0),
            "1.4.1")
        .snapshot();
  }

  static SnapshotJson asJson(MetricSnapshot s) {
    NodeRef n = s.getNode();
    return new SnapshotJson(
        new NodeJson(
            n.getCluster(), n.getRole().name(), n.getId(), n.getHostname(), n.getAddress()),
        s.getPolledAt().toEpochMilli(),
        s.getDurationMs(),
        s.getOutcome().name(),
        s.getHttpStatus(),
        s.getError(),
        s.getElected(),
        s.getMesosVersion(),
        s.getMetrics(),
        s.getRawMetrics(),
        s.getMissingKeys(),
        s.getCollector() == null
            ? null
            : new CollectorJson(
                s.getCollector().getId(),
                s.getCollector().getShard(),
                s.getCollector().getAgentsTracked(),
                s.getCollector().getAgentsFailing()));
  }

  @Setup
  public void setUp() throws IOException {
    snapshot = agentSnapshot();
    snapshotJson = asJson(snapshot);
    avro = avroOut.serialize(TOPIC, snapshot);
    json = JSON.writeValueAsBytes(snapshotJson);
    if (!avroIn.deserialize(TOPIC, avro).equals(snapshot)
        || !JSON.readValue(json, SnapshotJson.class).equals(snapshotJson)) {
      throw new IllegalStateException("a round trip changed the snapshot");
    }
  }

  @Benchmark
  public byte[] avroEncode() {
    return avroOut.serialize(TOPIC, snapshot);
  }

  @Benchmark
  public MetricSnapshot avroDecode() {
    return avroIn.deserialize(TOPIC, avro);
  }

  @Benchmark
  public byte[] jsonEncode() throws IOException {
    return JSON.writeValueAsBytes(snapshotJson);
  }

  @Benchmark
  public SnapshotJson jsonDecode() throws IOException {
    return JSON.readValue(json, SnapshotJson.class);
  }

  /** ns/op of each benchmark method, by name; {@code smoke}: in-process, one short iteration. */
  public static Map<String, Double> measure(boolean smoke) throws Exception {
    OptionsBuilder options = new OptionsBuilder();
    options.include(SerdeBench.class.getName() + "\\.");
    if (smoke) {
      options
          .forks(0)
          .warmupIterations(0)
          .measurementIterations(1)
          .measurementTime(TimeValue.milliseconds(200));
    }
    Map<String, Double> nsPerOp = new TreeMap<>();
    for (RunResult r : new Runner(options.build()).run()) {
      String name = r.getParams().getBenchmark();
      nsPerOp.put(name.substring(name.lastIndexOf('.') + 1), r.getPrimaryResult().getScore());
    }
    return nsPerOp;
  }

  /** The table for docs/benchmarks.md, with the encoded sizes. */
  public static String table(Map<String, Double> nsPerOp) throws IOException {
    SerdeBench sizes = new SerdeBench();
    sizes.setUp();
    return String.format(
        "A full agent snapshot: %d canonical and %d raw metric values.%n%n"
            + "| format | bytes | encode (ns/op) | decode (ns/op) |%n|---|---:|---:|---:|%n"
            + "| Avro single-object (ours) | %,d | %,.0f | %,.0f |%n"
            + "| Jackson JSON, same data | %,d | %,.0f | %,.0f |%n",
        sizes.snapshot.getMetrics().size(),
        sizes.snapshot.getRawMetrics().size(),
        sizes.avro.length,
        nsPerOp.get("avroEncode"),
        nsPerOp.get("avroDecode"),
        sizes.json.length,
        nsPerOp.get("jsonEncode"),
        nsPerOp.get("jsonDecode"));
  }

  public static void main(String[] args) throws Exception {
    System.out.println(table(measure(args.length > 0 && args[0].equals("--smoke"))));
  }
}
