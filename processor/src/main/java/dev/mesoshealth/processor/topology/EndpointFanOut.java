package dev.mesoshealth.processor.topology;

import dev.mesoshealth.events.TaskInventory;
import dev.mesoshealth.processor.endpoints.EndpointInput;
import dev.mesoshealth.schemas.topics.Topics;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Re-keys Marathon tasks by the agent they run on, so they meet that agent's health; remembers each
 * task's agent to route the tombstone when the task is gone. Keyed by task id.
 */
public final class EndpointFanOut implements Processor<String, Decoded, String, EndpointInput> {
  private ProcessorContext<String, EndpointInput> context;
  private KeyValueStore<String, String> taskAgents;

  @Override
  public void init(ProcessorContext<String, EndpointInput> context) {
    this.context = context;
    this.taskAgents = context.getStateStore(StoreNames.ENDPOINT_TASK_AGENTS);
  }

  @Override
  public void process(Record<String, Decoded> record) {
    if (!(record.value() instanceof Decoded.Task task)) {
      return;
    }
    String taskId = record.key();
    TaskInventory t = task.value();
    String agent = t != null && t.getAgentId() != null ? t.getAgentId() : taskAgents.get(taskId);
    if (agent == null) {
      return; // not placed on an agent yet: nothing to route
    }
    if (t == null) {
      taskAgents.delete(taskId);
      context.forward(new Record<>(agent, EndpointInput.task(taskId, null), record.timestamp()));
      return;
    }
    taskAgents.put(taskId, agent);
    byte[] bytes =
        Topics.TASK_INVENTORY.valueSerde().serializer().serialize(Topics.TASK_INVENTORY.name(), t);
    context.forward(new Record<>(agent, EndpointInput.task(taskId, bytes), record.timestamp()));
  }
}
