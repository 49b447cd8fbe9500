package dev.mesoshealth.processor.topology;

import dev.mesoshealth.events.HealthStatus;
import dev.mesoshealth.events.NodeRole;
import dev.mesoshealth.processor.health.ClusterEvaluation;
import dev.mesoshealth.processor.health.ClusterMemory;
import dev.mesoshealth.processor.health.ClusterSignal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Evaluates each CLUSTER node from the signals of its masters and agents (repartitioned by cluster
 * name), keeps the cluster's memory and its members' states, and emits the cluster's states and
 * transitions under the key {@code cluster:<name>}.
 */
final class ClusterEvaluator implements Processor<String, ClusterSignal, String, Output> {
  private final ClusterEvaluation evaluation;
  private final TopologyMetrics metrics;
  private ProcessorContext<String, Output> context;
  private KeyValueStore<String, ClusterMemory> clusters;
  private KeyValueStore<String, HealthStatus> members;
  private InputClock clock;

  ClusterEvaluator(ClusterEvaluation evaluation, TopologyMetrics metrics) {
    this.evaluation = evaluation;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, Output> context) {
    this.context = context;
    this.clusters = context.getStateStore(StoreNames.CLUSTER_HEALTH);
    this.members = context.getStateStore(StoreNames.CLUSTER_MEMBERS);
    Duration checkEvery = evaluation.config().pollInterval();
    this.clock =
        new InputClock(checkEvery, evaluation.config().staleAfter(), context.currentSystemTimeMs());
    context.schedule(checkEvery, PunctuationType.WALL_CLOCK_TIME, this::checkClock);
  }

  @Override
  public void process(Record<String, ClusterSignal> record) {
    ClusterSignal s = record.value();
    if (s == null) {
      return;
    }
    if (s.role() == NodeRole.MASTER) {
      // the clock that judges "no master snapshot" runs on the masters' input alone: catching up
      // on a backlog, the agents' signals (from other tasks upstream) may run well ahead of them
      clock.read(s.at());
    }
    String memberKey = s.cluster() + "|" + s.nodeId();
    ClusterEvaluation.Result r =
        evaluation.onSignal(clusters.get(s.cluster()), s, members.get(memberKey));
    if (r.memberState() == null) {
      members.delete(memberKey);
    } else {
      members.put(memberKey, r.memberState());
    }
    clusters.put(s.cluster(), r.after());
    emit(r, s.at(), record.timestamp());
  }

  private void emit(ClusterEvaluation.Result r, Instant at, long timestamp) {
    ClusterMemory after = r.after();
    String key = Events.clusterKey(after.cluster());
    if (r.changed()) {
      context.forward(new Record<>(key, new Output.State(Events.state(after, at)), timestamp));
    }
    if (r.stateChanged()) {
      HealthStatus from = r.before() == null ? HealthStatus.UNKNOWN : r.before().state();
      if (from != after.state()) {
        metrics.transition("cluster", after.state());
        context.forward(
            new Record<>(
                key,
                new Output.Transition(
                    Events.transition(
                        Events.ref(after), from, after.state(), after.since(), after.reasons())),
                timestamp));
      }
    }
  }

  private void checkClock(long wallClockMs) {
    Instant now = clock.now(wallClockMs);
    if (now == null) {
      return;
    }
    List<ClusterEvaluation.Result> stale = new ArrayList<>();
    try (KeyValueIterator<String, ClusterMemory> all = clusters.all()) {
      while (all.hasNext()) {
        ClusterEvaluation.Result r = evaluation.onClock(all.next().value, now);
        if (r.after() != r.before()) {
          stale.add(r);
        }
      }
    }
    for (ClusterEvaluation.Result r : stale) {
      clusters.put(r.after().cluster(), r.after());
      emit(r, now, wallClockMs);
    }
  }
}
