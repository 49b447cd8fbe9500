package dev.mesoshealth.bench;

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
import dev.mesoshealth.testkit.Offsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/** A backlog of snapshots for the processor benchmarks, and a wait for the processor's progress. */
final class SnapshotBacklog {
  private SnapshotBacklog() {}

  /** What was written: how many snapshots, and of which agents. */
  record Written(long records, List<String> agentIds) {}

  /** N agents x R rounds of real snapshots, made the way the collector makes them. */
  static Written fill(String bootstrap, String cluster, int agents, int rounds) {
    SimCluster sim =
        new SimCluster(SimConfig.standard(3, agents, 7).withCluster(cluster), Clock.systemUTC());
    SnapshotAssembler assembler = new SnapshotAssembler(MetricCatalogue.standard());
    CollectorRef collector = new CollectorRef("bench", "0/1", agents, 0, 0);
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
              new NodeRef(cluster, NodeRole.AGENT, a.id(), a.hostname(), a.ip() + ":" + a.port());
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
    return new Written(acked.get(), sim.agents().stream().map(SimAgent::id).toList());
  }

  /** Waits until the processor has committed at least {@code records}; returns how many. */
  static long awaitCommitted(String bootstrap, String group, long records) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      while (true) {
        long sum =
            Offsets.committed(admin, group, Topics.METRIC_SNAPSHOTS.name()).values().stream()
                .mapToLong(Long::longValue)
                .sum();
        if (sum >= records) {
          return sum;
        }
        TimeUnit.MILLISECONDS.sleep(20); // polling the processor's committed offsets
      }
    }
  }
}
