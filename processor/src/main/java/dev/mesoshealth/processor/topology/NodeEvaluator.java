package dev.mesoshealth.processor.topology;

import dev.mesoshealth.events.AgentInventory;
import dev.mesoshealth.events.HealthStatus;
import dev.mesoshealth.events.MetricSnapshot;
import dev.mesoshealth.events.NodeRole;
import dev.mesoshealth.events.Outcome;
import dev.mesoshealth.processor.bi.FeedRows;
import dev.mesoshealth.processor.health.ClusterSignal;
import dev.mesoshealth.processor.health.NodeEvaluation;
import dev.mesoshealth.processor.health.NodeMemory;
import dev.mesoshealth.processor.health.NodeMinute;
import dev.mesoshealth.processor.health.Observation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Evaluates every master and agent on each of its snapshots and inventory changes, keeps its
 * memory, one-minute summaries and latest metrics in state stores, and emits states, transitions
 * and cluster signals. Each node's minute goes to the BI feed once it is over: when the node's next
 * minute begins, or from the clock when the node has gone silent. A wall-clock punctuation marks
 * silent nodes UNKNOWN and forgets nodes GONE past their retention, judged by the {@link
 * InputClock} so a backlog is not silence. Runs per task: the stores hold the task's partitions.
 */
final class NodeEvaluator implements Processor<String, Decoded, String, Output> {
  private final NodeEvaluation evaluation;
  private final TopologyMetrics metrics;
  private final Map<String, Instant> collectorSignalSent = new HashMap<>();
  private final Map<String, Boolean> collectorSuspect = new HashMap<>();
  private ProcessorContext<String, Output> context;
  private KeyValueStore<String, NodeMemory> nodes;
  private KeyValueStore<String, byte[]> latest;
  private WindowStore<String, NodeMinute> minutes;
  private InputClock clock;

  NodeEvaluator(NodeEvaluation evaluation, TopologyMetrics metrics) {
    this.evaluation = evaluation;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, Output> context) {
    this.context = context;
    this.nodes = context.getStateStore(StoreNames.NODE_HEALTH);
    this.latest = context.getStateStore(StoreNames.NODE_SNAPSHOTS);
    this.minutes = context.getStateStore(StoreNames.NODE_MINUTES);
    Duration every = evaluation.config().pollInterval();
    this.clock =
        new InputClock(every, evaluation.config().staleAfter(), context.currentSystemTimeMs());
    context.schedule(every, PunctuationType.WALL_CLOCK_TIME, this::checkClock);
  }

  @Override
  public void process(Record<String, Decoded> record) {
    if (record.value() instanceof Decoded.Snapshot s) {
      onSnapshot(record.key(), s, record.timestamp());
    } else if (record.value() instanceof Decoded.Inventory i) {
      onInventory(record.key(), i.value(), record.timestamp());
    }
  }

  private void onSnapshot(String key, Decoded.Snapshot decoded, long timestamp) {
    MetricSnapshot snapshot = decoded.value();
    Observation o = Observation.of(snapshot);
    clock.read(o.polledAt());
    NodeMemory before = nodes.get(key);
    NodeEvaluation.Result r = evaluation.onSnapshot(before, o);
    metrics.evaluation(o.role() == NodeRole.MASTER ? "master" : "agent");
    if (snapshot.getOutcome() == Outcome.OK || snapshot.getOutcome() == Outcome.PARTIAL) {
      latest.put(key, decoded.encoded());
    }
    NodeMemory after = r.after();
    Instant window = NodeMinute.windowStart(o.polledAt());
    NodeMinute minute = after.minute();
    if (minute != null && minute.start().isBefore(window)) {
      closeMinute(key, after, minute, o.polledAt(), timestamp);
      minute = null;
    } else if (minute == null && before != null && before.lastSnapshotAt() != null) {
      // state from a version that kept the minute in progress in the window store only
      if (NodeMinute.windowStart(before.lastSnapshotAt()).equals(window)) {
        minute = minutes.fetch(key, window.toEpochMilli());
      }
    }
    after =
        after.withMinute(
            NodeMinute.add(minute, after, snapshot.getMetrics(), o.pollFailed(), o.polledAt()));
    nodes.put(key, after);
    emit(
        key,
        new NodeEvaluation.Result(before, after),
        o.polledAt(),
        timestamp,
        o.role() == NodeRole.MASTER,
        o);
  }

  /** A node's minute is over: into the history store and the BI feed. */
  private void closeMinute(String key, NodeMemory node, NodeMinute m, Instant now, long timestamp) {
    minutes.put(key, m, m.start().toEpochMilli());
    context.forward(
        new Record<>(key, new Output.MinuteRow(FeedRows.nodeMinute(key, node, m, now)), timestamp));
  }

  private void onInventory(String key, AgentInventory inventory, long timestamp) {
    NodeMemory before = nodes.get(key);
    if (inventory == null && before == null) {
      return;
    }
    Instant at = inventory != null ? inventory.getObservedAt() : Instant.ofEpochMilli(timestamp);
    NodeEvaluation.InventoryUpdate update =
        inventory == null
            ? new NodeEvaluation.InventoryUpdate(
                key,
                before.cluster(),
                before.hostname(),
                before.address(),
                false,
                false,
                null,
                false,
                null,
                null,
                true,
                at)
            : new NodeEvaluation.InventoryUpdate(
                key,
                inventory.getCluster(),
                inventory.getHostname(),
                inventory.getAddress(),
                inventory.getActive(),
                inventory.getDeactivated(),
                inventory.getDrainState(),
                inventory.getRecovering(),
                inventory.getUnlistedSince(),
                inventory.getMaintenanceMode() == null
                    ? null
                    : new NodeMemory.MaintenanceWindow(
                        inventory.getMaintenanceMode(),
                        inventory.getMaintenanceStart(),
                        inventory.getMaintenanceEnd()),
                false,
                at);
    NodeEvaluation.Result r = evaluation.onInventory(before, update);
    if (r.after() != before) {
      nodes.put(key, r.after());
    }
    emit(key, r, at, timestamp, false, null);
  }

  private void emit(
      String key,
      NodeEvaluation.Result r,
      Instant at,
      long timestamp,
      boolean masterPoll,
      Observation o) {
    NodeMemory after = r.after();
    if (r.changed()) {
      context.forward(new Record<>(key, new Output.State(Events.state(after, at)), timestamp));
    }
    if (r.stateChanged() && after.role() == NodeRole.AGENT) {
      String address = after.address();
      String ip =
          address == null || address.lastIndexOf(':') < 0
              ? address
              : address.substring(0, address.lastIndexOf(':'));
      context.forward(new Record<>(key, new Output.AgentState(after.state(), ip), timestamp));
    }
    if (r.stateChanged()) {
      HealthStatus from = r.before() == null ? HealthStatus.UNKNOWN : r.before().state();
      if (from != after.state()) {
        metrics.transition(after.role().name().toLowerCase(java.util.Locale.ROOT), after.state());
        context.forward(
            new Record<>(
                key,
                new Output.Transition(
                    Events.transition(
                        Events.ref(after), from, after.state(), after.since(), after.reasons())),
                timestamp));
      }
    }
    boolean collectorDue = o != null && o.collectorId() != null && collectorSignalDue(o);
    if (masterPoll || r.stateChanged() || collectorDue) {
      ClusterSignal signal =
          new ClusterSignal(
              after.cluster(),
              key,
              after.role(),
              after.hostname(),
              after.state(),
              after.role() == NodeRole.MASTER ? after.reasons() : List.of(),
              after.elected(),
              at,
              o == null ? null : o.collectorId(),
              o == null ? 0 : o.agentsTracked(),
              o == null ? 0 : o.agentsFailing(),
              masterPoll,
              o == null ? 0 : o.mastersTracked());
      context.forward(new Record<>(key, new Output.Signal(signal), timestamp));
      if (o != null && o.collectorId() != null) {
        collectorSignalSent.put(o.collectorId(), at);
        collectorSuspect.put(o.collectorId(), suspect(o));
      }
    }
  }

  /**
   * A collector's reach is reported when it crosses the guard's threshold, else once an interval.
   */
  private boolean collectorSignalDue(Observation o) {
    Instant last = collectorSignalSent.get(o.collectorId());
    if (last == null
        || !Boolean.valueOf(suspect(o)).equals(collectorSuspect.get(o.collectorId()))) {
      return true;
    }
    return Duration.between(last, o.polledAt()).compareTo(evaluation.config().pollInterval()) >= 0;
  }

  private boolean suspect(Observation o) {
    return o.collectorFailingShare() > evaluation.config().collectorSuspectShare();
  }

  private void checkClock(long wallClockMs) {
    Instant now = clock.now(wallClockMs);
    if (now == null) {
      return;
    }
    // a silent node's minute is written once it is over by two poll intervals
    Instant minuteOverBefore =
        now.minus(NodeMinute.SIZE).minus(evaluation.config().pollInterval().multipliedBy(2));
    List<KeyValue<String, NodeEvaluation.Result>> changes = new ArrayList<>();
    List<KeyValue<String, NodeMemory>> expired = new ArrayList<>();
    try (KeyValueIterator<String, NodeMemory> all = nodes.all()) {
      while (all.hasNext()) {
        KeyValue<String, NodeMemory> kv = all.next();
        if (evaluation.expired(kv.value, now)) {
          expired.add(kv);
          continue;
        }
        NodeEvaluation.Result r = evaluation.onClock(kv.value, now);
        NodeMinute minute = kv.value.minute();
        if (r.after() != r.before()
            || (minute != null && minute.start().isBefore(minuteOverBefore))) {
          changes.add(KeyValue.pair(kv.key, r));
        }
      }
    }
    for (KeyValue<String, NodeEvaluation.Result> change : changes) {
      NodeEvaluation.Result r = change.value;
      NodeMemory after = r.after();
      NodeMinute minute = after.minute();
      if (minute != null && minute.start().isBefore(minuteOverBefore)) {
        closeMinute(change.key, after, minute, now, wallClockMs);
        after = after.withMinute(null);
      }
      nodes.put(change.key, after);
      if (r.after() != r.before()) {
        emit(
            change.key,
            new NodeEvaluation.Result(r.before(), after),
            now,
            wallClockMs,
            false,
            null);
      }
    }
    for (KeyValue<String, NodeMemory> gone : expired) {
      if (gone.value.minute() != null) {
        closeMinute(gone.key, gone.value, gone.value.minute(), now, wallClockMs);
      }
      nodes.delete(gone.key);
      latest.delete(gone.key);
      context.forward(new Record<>(gone.key, new Output.State(null), wallClockMs));
    }
  }
}
