package dev.mesoshealth.processor.topology;

import dev.mesoshealth.events.MetricSnapshot;
import dev.mesoshealth.schemas.topics.Topics;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * A node's latest metrics by canonical name, for metric queries. The store keeps the snapshot's
 * bytes as they came off the topic, so the stream thread encodes nothing for it; a query decodes
 * what it reads.
 */
public record MetricsView(
    String nodeId, String cluster, String role, Instant at, Map<String, Double> metrics) {
  private static final Deserializer<MetricSnapshot> SNAPSHOTS =
      Topics.METRIC_SNAPSHOTS.valueSerde().deserializer();

  public MetricsView {
    metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
  }

  /** The view of a snapshot kept in the {@code node-latest-snapshots} store. */
  public static MetricsView decode(byte[] snapshot) {
    MetricSnapshot s = SNAPSHOTS.deserialize(StoreNames.NODE_SNAPSHOTS, snapshot);
    return new MetricsView(
        s.getNode().getId(),
        s.getNode().getCluster(),
        s.getNode().getRole().name(),
        s.getPolledAt(),
        s.getMetrics());
  }
}
