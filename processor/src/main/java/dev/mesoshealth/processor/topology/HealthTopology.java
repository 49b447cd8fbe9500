package dev.mesoshealth.processor.topology;

import dev.mesoshealth.events.HealthStatus;
import dev.mesoshealth.processor.bi.FeedRows;
import dev.mesoshealth.processor.capacity.CapacityModel;
import dev.mesoshealth.processor.capacity.CapacityPart;
import dev.mesoshealth.processor.capacity.PartUpdate;
import dev.mesoshealth.processor.capacity.Shape;
import dev.mesoshealth.processor.endpoints.EndpointInput;
import dev.mesoshealth.processor.endpoints.EndpointMemory;
import dev.mesoshealth.processor.endpoints.EndpointRules;
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
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
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
 * The processor's topology, as a pure function of its settings: no I/O, no KafkaStreams, so
 * TopologyTestDriver runs it as is.
 *
 * <pre>
 * snapshots ─ decode ─┐                          ┌─ states, transitions ─> mesos.health.states / .transitions
 *                     ├─ node-evaluator ─────────┼─ signals ─ [cluster-signals] ─ cluster-evaluator ─> states, transitions
 * inventory ─ decode ─┤                          └─ agent states ─┐
 *                     └─ capacity-fan-out ─ [capacity-parts] ─ capacity-windows ─> mesos.capacity.trends
 * tasks ───── decode ─── endpoint-fan-out ─────────── [endpoint-inputs] ─ endpoint-evaluator ─> mesos.endpoints.health
 * BI feeds (flat rows, JSON with a Connect schema): node-evaluator's closed minutes, every
 * transition and every closed capacity window ─> mesos.bi.*
 * (undecodable records of every input ─> mesos.dlq)            [..] = repartition topic
 * </pre>
 */
public final class HealthTopology {

  /** What the topology is built from. */
  public record Settings(
      RuleConfig rules,
      Duration historyRetention,
      int maxRecordBytes,
      List<String> capacityAttributes,
      CapacityModel capacity,
      Duration keepHealthResults) {

    public static Settings defaults() {
      return new Settings(
          RuleConfig.defaults(),
          Duration.ofHours(24),
          1024 * 1024,
          List.of("rack"),
          new CapacityModel(
              Shape.DEFAULTS,
              Duration.ofSeconds(30),
              List.of(Duration.ofHours(1), Duration.ofHours(24))),
          Duration.ofMinutes(5));
    }

    public Settings withRules(RuleConfig r) {
      return new Settings(
          r, historyRetention, maxRecordBytes, capacityAttributes, capacity, keepHealthResults);
    }

    public Settings withMaxRecordBytes(int max) {
      return new Settings(
          rules, historyRetention, max, capacityAttributes, capacity, keepHealthResults);
    }

    public Settings withCapacity(List<String> attributes, CapacityModel model) {
      return new Settings(
          rules, historyRetention, maxRecordBytes, attributes, model, keepHealthResults);
    }
  }

  private HealthTopology() {}

  public static Topology build(Settings settings, TopologyMetrics metrics) {
    StreamsBuilder builder = new StreamsBuilder();
    addStores(builder, settings);

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
            (v, encoded) -> new Decoded.Inventory(v),
            true,
            settings,
            metrics);
    KStream<String, Decoded> tasks =
        decode(
            builder,
            Topics.TASK_INVENTORY,
            "tasks",
            (v, encoded) -> new Decoded.Task(v),
            true,
            settings,
            metrics);

    // health of every node
    NodeEvaluation nodeEvaluation = new NodeEvaluation(settings.rules());
    KStream<String, Output> nodeOutputs =
        snapshots
            .merge(inventory, Named.as("node-inputs"))
            .process(
                () -> new NodeEvaluator(nodeEvaluation, metrics),
                Named.as("node-evaluator"),
                StoreNames.NODE_HEALTH,
                StoreNames.NODE_SNAPSHOTS,
                StoreNames.NODE_MINUTES);
    Map<String, KStream<String, Output>> node =
        nodeOutputs
            .split(Named.as("node-"))
            .branch((k, v) -> v instanceof Output.Signal, Branched.as("signals"))
            .branch((k, v) -> v instanceof Output.AgentState, Branched.as("agent-states"))
            .branch((k, v) -> v instanceof Output.MinuteRow, Branched.as("minute-rows"))
            .defaultBranch(Branched.as("events"));
    toTopics(node.get("node-events"), "node");
    node.get("node-minute-rows")
        .mapValues(v -> ((Output.MinuteRow) v).row(), Named.as("node-minute-row-values"))
        .to(
            Topics.BI_NODE_HEALTH_MINUTELY.name(),
            Produced.with(Serdes.String(), Topics.BI_NODE_HEALTH_MINUTELY.valueSerde())
                .withName("bi-node-minutes-sink"));

    // health of every cluster
    ClusterEvaluation clusterEvaluation = new ClusterEvaluation(settings.rules());
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
                () -> new ClusterEvaluator(clusterEvaluation, metrics),
                Named.as("cluster-evaluator"),
                StoreNames.CLUSTER_HEALTH,
                StoreNames.CLUSTER_MEMBERS);
    toTopics(clusterOutputs, "cluster");

    // capacity per group and one-minute window; the leader's totals ride along as a cross-check
    KStream<String, PartUpdate> leaderTotals =
        snapshots
            .mapValues(
                v -> v instanceof Decoded.Snapshot s ? PartUpdate.leaderTotals(s.value()) : null,
                Named.as("leader-totals"))
            .filter((k, v) -> v != null, Named.as("leader-totals-only"));
    KStream<String, dev.mesoshealth.events.CapacityTrend> capacityWindows =
        inventory
            .process(
                () ->
                    new CapacityFanOut(settings.capacityAttributes(), settings.capacity().shapes()),
                Named.as("capacity-fan-out"))
            .merge(leaderTotals, Named.as("capacity-inputs"))
            .map((k, u) -> KeyValue.pair(u.groupId(), u), Named.as("parts-by-group"))
            .repartition(
                Repartitioned.<String, PartUpdate>as(StoreNames.CAPACITY_PART_UPDATES)
                    .withKeySerde(Serdes.String())
                    .withValueSerde(StateSerde.of(PartUpdate.class)))
            .process(
                () -> new CapacityWindows(settings.capacity()),
                Named.as("capacity-windows"),
                StoreNames.CAPACITY_GROUP_PARTS,
                StoreNames.CAPACITY_OPEN_WINDOWS,
                StoreNames.CAPACITY_MINUTES,
                StoreNames.CAPACITY_LEADER_TOTALS,
                StoreNames.CAPACITY_CLOSING_PARTS);
    capacityWindows.to(
        Topics.CAPACITY_TRENDS.name(),
        Produced.with(Serdes.String(), Topics.CAPACITY_TRENDS.valueSerde())
            .withName("capacity-sink"));
    FeedRows capacityRows =
        new FeedRows(settings.capacity().shapes().stream().map(Shape::name).toList());
    capacityWindows
        .filter((k, v) -> v != null && v.getFinal$(), Named.as("bi-capacity-closed-windows"))
        .mapValues(capacityRows::capacity, Named.as("bi-capacity-rows"))
        .to(
            Topics.BI_CAPACITY_MINUTELY.name(),
            Produced.with(Serdes.String(), Topics.BI_CAPACITY_MINUTELY.valueSerde())
                .withName("bi-capacity-sink"));

    // endpoint health: tasks meet their agent's health, keyed by agent id
    EndpointRules endpointRules = new EndpointRules(settings.keepHealthResults());
    KStream<String, EndpointInput> agentStates =
        node.get("node-agent-states")
            .mapValues(
                v ->
                    EndpointInput.agent(
                        ((Output.AgentState) v).state(), ((Output.AgentState) v).ip()),
                Named.as("agent-states-for-endpoints"));
    tasks
        .process(EndpointFanOut::new, Named.as("endpoint-fan-out"), StoreNames.ENDPOINT_TASK_AGENTS)
        .merge(agentStates, Named.as("endpoint-inputs-merged"))
        .repartition(
            Repartitioned.<String, EndpointInput>as(StoreNames.ENDPOINT_INPUTS)
                .withKeySerde(Serdes.String())
                .withValueSerde(StateSerde.of(EndpointInput.class)))
        .process(
            () -> new EndpointEvaluator(endpointRules),
            Named.as("endpoint-evaluator"),
            StoreNames.ENDPOINT_AGENTS,
            StoreNames.ENDPOINT_TASKS)
        .to(
            Topics.ENDPOINT_HEALTH.name(),
            Produced.with(Serdes.String(), Topics.ENDPOINT_HEALTH.valueSerde())
                .withName("endpoints-sink"));
    return builder.build();
  }

  private static void addStores(StreamsBuilder builder, Settings settings) {
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(StoreNames.NODE_HEALTH),
            Serdes.String(),
            StateSerde.of(NodeMemory.class)));
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(StoreNames.NODE_SNAPSHOTS),
                Serdes.String(),
                Serdes.ByteArray())
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
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(StoreNames.CAPACITY_GROUP_PARTS),
            Serdes.String(),
            StateSerde.of(CapacityPart.class)));
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(StoreNames.CAPACITY_CLOSING_PARTS),
            Serdes.String(),
            StateSerde.of(CapacityPart.class)));
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(StoreNames.CAPACITY_OPEN_WINDOWS),
            Serdes.String(),
            Serdes.Long()));
    builder.addStateStore(
        Stores.windowStoreBuilder(
            Stores.persistentWindowStore(
                StoreNames.CAPACITY_MINUTES,
                settings.capacity().retention(),
                CapacityModel.WINDOW,
                false),
            Serdes.String(),
            Topics.CAPACITY_TRENDS.valueSerde()));
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(StoreNames.CAPACITY_LEADER_TOTALS),
            Serdes.String(),
            StateSerde.of(CapacityModel.LeaderTotals.class)));
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(StoreNames.ENDPOINT_TASK_AGENTS),
            Serdes.String(),
            Serdes.String()));
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(StoreNames.ENDPOINT_AGENTS),
            Serdes.String(),
            StateSerde.of(EndpointInput.class)));
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(StoreNames.ENDPOINT_TASKS),
            Serdes.String(),
            StateSerde.of(EndpointMemory.class)));
  }

  private static <V> KStream<String, Decoded> decode(
      StreamsBuilder builder,
      Topic<String, V> topic,
      String name,
      BiFunction<V, byte[], Decoded> wrap,
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
    split
        .get(name + "-out-transitions")
        .mapValues(
            v -> FeedRows.transition(((Output.Transition) v).value()),
            Named.as(name + "-transition-rows"))
        .to(
            Topics.BI_TRANSITIONS.name(),
            Produced.with(Serdes.String(), Topics.BI_TRANSITIONS.valueSerde())
                .withName(name + "-bi-transitions-sink"));
  }
}
