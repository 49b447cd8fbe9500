package dev.mesoshealth.processor.topology;

import dev.mesoshealth.events.EndpointHealth;
import dev.mesoshealth.events.HealthStatus;
import dev.mesoshealth.events.TaskInventory;
import dev.mesoshealth.processor.endpoints.EndpointInput;
import dev.mesoshealth.processor.endpoints.EndpointMemory;
import dev.mesoshealth.processor.endpoints.EndpointRules;
import dev.mesoshealth.schemas.topics.Topics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Joins each agent's tasks with the agent's health (keyed by agent id): a task update evaluates
 * that endpoint; a change of the agent's state re-evaluates every endpoint on it. Emits an
 * EndpointHealth when the status or its reasons change, and a tombstone when a task ends.
 */
public final class EndpointEvaluator
    implements Processor<String, EndpointInput, String, EndpointHealth> {
  private final EndpointRules rules;
  private ProcessorContext<String, EndpointHealth> context;
  private KeyValueStore<String, EndpointInput> agents;
  private KeyValueStore<String, EndpointMemory> tasks;

  public EndpointEvaluator(EndpointRules rules) {
    this.rules = rules;
  }

  @Override
  public void init(ProcessorContext<String, EndpointHealth> context) {
    this.context = context;
    this.agents = context.getStateStore(StoreNames.ENDPOINT_AGENTS);
    this.tasks = context.getStateStore(StoreNames.ENDPOINT_TASKS);
  }

  @Override
  public void process(Record<String, EndpointInput> record) {
    String agentId = record.key();
    EndpointInput in = record.value();
    Instant now = Instant.ofEpochMilli(record.timestamp());
    if (in.isAgent()) {
      agents.put(agentId, in);
      List<KeyValue<String, EndpointMemory>> onAgent = new ArrayList<>();
      try (KeyValueIterator<String, EndpointMemory> it =
          tasks.prefixScan(agentId + "|", new StringSerializer())) {
        it.forEachRemaining(onAgent::add);
      }
      for (KeyValue<String, EndpointMemory> kv : onAgent) {
        emitIfChanged(kv.key, kv.value, in, now, record.timestamp());
      }
      return;
    }
    String key = agentId + "|" + in.taskId();
    EndpointMemory previous = tasks.get(key);
    TaskInventory task =
        in.task() == null
            ? null
            : Topics.TASK_INVENTORY
                .valueSerde()
                .deserializer()
                .deserialize(Topics.TASK_INVENTORY.name(), in.task());
    if (rules.removed(task)) {
      tasks.delete(key);
      if (previous != null) {
        context.forward(new Record<>(previous.key(), (EndpointHealth) null, record.timestamp()));
      }
      return;
    }
    EndpointMemory memory = rules.remember(previous, task, task.getObservedAt());
    emitIfChanged(key, memory, agents.get(agentId), now, record.timestamp());
  }

  private void emitIfChanged(
      String key, EndpointMemory m, EndpointInput agent, Instant now, long timestamp) {
    HealthStatus agentState = agent == null ? null : agent.agentState();
    EndpointHealth e = rules.evaluate(m, agentState, agent == null ? null : agent.agentIp(), now);
    boolean changed = e.getStatus() != m.emitted() || !e.getReasons().equals(m.emittedReasons());
    EndpointMemory updated =
        new EndpointMemory(
            m.cluster(),
            m.appId(),
            m.taskId(),
            m.agentId(),
            m.host(),
            m.ipAddresses(),
            m.ports(),
            m.servicePorts(),
            m.state(),
            m.hasHealthChecks(),
            m.lastHealthy(),
            m.lastHealthyAt(),
            m.lastFailureCause(),
            m.lastRecordAt(),
            e.getStatus(),
            e.getReasons());
    tasks.put(key, updated);
    if (changed) {
      context.forward(new Record<>(m.key(), e, timestamp));
    }
  }
}
