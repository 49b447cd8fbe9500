package dev.mesoshealth.processor.topology;

import dev.mesoshealth.events.HealthStatus;
import dev.mesoshealth.processor.health.ClusterEvaluation;
import dev.mesoshealth.processor.health.ClusterMemory;
import dev.mesoshealth.processor.health.ClusterSignal;
import dev.mesoshealth.processor.health.NodeEvaluation;
import dev.mesoshealth.processor.health.NodeMemory;
import dev.mesoshealth.processor.health.NodeMinute;
import dev.mesoshealth.processor.health.RuleConfig;
import dev.mesoshealth.schemas.topics.Topic;
import dev.mesoshealth.schemas.topics.Topics;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * The health topology, as a pure function of its settings: no I/O, no KafkaStreams, so
 * TopologyTestDriver runs it as is.
 *
 * <pre>
 * snapshots ─ decode ─┐                                  ┌─ states ─────> mesos.health.states
 *                     ├─ node-evaluator ─ (node outputs) ┼─ transitions ─> mesos.health.transitions
 * inventory ─ decode ─┘   stores: node-health,           └─ signals ─ by cluster ─ cluster-evaluator ─> states, transitions
 *     (undecodable ─> mesos.dlq)  node-metrics, node-minutes                 stores: cluster-health, cluster-members
 * </pre>
 */
public final class HealthTopology {

  /** What the topology is built from. */
  public record Settings(RuleConfig rules, Duration historyRetention, int maxRecordBytes) {
    public static Settings defaults() {
      return new Settings(RuleConfig.defaults(), Duration.ofHours(24), 1024 * 1024);
    }
  }

  private HealthTopology() {}

  public static Topology build(Settings settings, TopologyMetrics metrics) {
    StreamsBuilder builder = new StreamsBuilder();
    NodeEvaluation nodeEvaluation = new NodeEvaluation(settings.rules());
    ClusterEvaluation clusterEvaluation = new ClusterEvaluation(settings.rules());

    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(StoreNames.NODE_HEALTH),
            Serdes.String(),
            StateSerde.of(NodeMemory.class)));
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(StoreNames.NODE_METRICS),
                Serdes.String(),
                StateSerde.of(MetricsView.class))
            .withLoggingDisabled());
    Duration retention =
        settings.historyRetention().compareTo(NodeMinute.SIZE) < 0
            ? NodeMinute.SIZE
            : settings.historyRetention();
    builder.addStateStore(
        Stores.windowStoreBuilder(
            Stores.persistentWindowStore(
                StoreNames.NODE_MINUTES, retention, NodeMinute.SIZE, false),
            Serdes.String(),
            StateSerde.of(NodeMinute.class)));
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(StoreNames.CLUSTER_HEALTH),
            Serdes.String(),
            StateSerde.of(ClusterMemory.class)));
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(StoreNames.CLUSTER_MEMBERS),
            Serdes.String(),
            StateSerde.of(HealthStatus.class)));

    KStream<String, Decoded> snapshots =
        decode(
            builder,
            Topics.METRIC_SNAPSHOTS,
            "snapshots",
            Decoded.Snapshot::new,
            false,
            settings,
            metrics);
    KStream<String, Decoded> inventory =
        decode(
            builder,
            Topics.AGENT_INVENTORY,
            "inventory",
            Decoded.Inventory::new,
            true,
            settings,
            metrics);

    KStream<String, Output> nodeOutputs =
        snapshots
            .merge(inventory, Named.as("node-inputs"))
            .process(
                () -> new NodeEvaluator(nodeEvaluation, metrics),
                Named.as("node-evaluator"),
                StoreNames.NODE_HEALTH,
                StoreNames.NODE_METRICS,
                StoreNames.NODE_MINUTES);
    Map<String, KStream<String, Output>> node =
        nodeOutputs
            .split(Named.as("node-"))
            .branch((k, v) -> v instanceof Output.Signal, Branched.as("signals"))
            .defaultBranch(Branched.as("events"));
    toTopics(node.get("node-events"), "node");

    KStream<String, Output> clusterOutputs =
        node.get("node-signals")
            .map(
                (k, v) ->
                    KeyValue.pair(
                        ((Output.Signal) v).value().cluster(), ((Output.Signal) v).value()),
                Named.as("signals-by-cluster"))
            .repartition(
                Repartitioned.<String, ClusterSignal>as(StoreNames.CLUSTER_SIGNALS)
                    .withKeySerde(Serdes.String())
                    .withValueSerde(StateSerde.of(ClusterSignal.class)))
            .process(
                () ->
                    new ClusterEvaluator(
                        clusterEvaluation, settings.rules().pollInterval(), metrics),
                Named.as("cluster-evaluator"),
                StoreNames.CLUSTER_HEALTH,
                StoreNames.CLUSTER_MEMBERS);
    toTopics(clusterOutputs, "cluster");
    return builder.build();
  }

  private static <V> KStream<String, Decoded> decode(
      StreamsBuilder builder,
      Topic<String, V> topic,
      String name,
      java.util.function.Function<V, Decoded> wrap,
      boolean tombstonesMatter,
      Settings settings,
      TopologyMetrics metrics) {
    KStream<String, Decoded> decoded =
        builder.stream(
                topic.name(),
                Consumed.with(Serdes.String(), Serdes.ByteArray()).withName(name + "-source"))
            .process(
                () ->
                    new Decoder<>(
                        topic.valueSerde().deserializer(),
                        wrap,
                        tombstonesMatter,
                        settings.maxRecordBytes(),
                        metrics),
                Named.as(name + "-decoder"));
    Map<String, KStream<String, Decoded>> split =
        decoded
            .split(Named.as(name + "-"))
            .branch((k, v) -> v instanceof Decoded.Dead, Branched.as("dead"))
            .defaultBranch(Branched.as("ok"));
    split
        .get(name + "-dead")
        .mapValues(v -> ((Decoded.Dead) v).value(), Named.as(name + "-dead-letters"))
        .to(
            Topics.DLQ.name(),
            Produced.with(Serdes.String(), Topics.DLQ.valueSerde()).withName(name + "-dlq-sink"));
    return split.get(name + "-ok");
  }

  private static void toTopics(KStream<String, Output> outputs, String name) {
    Map<String, KStream<String, Output>> split =
        outputs
            .split(Named.as(name + "-out-"))
            .branch((k, v) -> v instanceof Output.Transition, Branched.as("transitions"))
            .defaultBranch(Branched.as("states"));
    split
        .get(name + "-out-states")
        .mapValues(v -> ((Output.State) v).value(), Named.as(name + "-state-values"))
        .to(
            Topics.HEALTH_STATES.name(),
            Produced.with(Serdes.String(), Topics.HEALTH_STATES.valueSerde())
                .withName(name + "-states-sink"));
    split
        .get(name + "-out-transitions")
        .mapValues(v -> ((Output.Transition) v).value(), Named.as(name + "-transition-values"))
        .to(
            Topics.HEALTH_TRANSITIONS.name(),
            Produced.with(Serdes.String(), Topics.HEALTH_TRANSITIONS.valueSerde())
                .withName(name + "-transitions-sink"));
  }
}
