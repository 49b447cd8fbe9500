package dev.mesoshealth.processor.endpoints;

import dev.mesoshealth.events.HealthStatus;

/**
 * What reaches the endpoint evaluation, keyed by agent id: a task (Avro bytes; null when gone) or
 * the agent's new health state.
 */
public record EndpointInput(
    String taskId, byte[] task, boolean taskGone, HealthStatus agentState, String agentIp) {

  public static EndpointInput task(String taskId, byte[] task) {
    return new EndpointInput(taskId, task, task == null, null, null);
  }

  public static EndpointInput agent(HealthStatus state, String ip) {
    return new EndpointInput(null, null, false, state, ip);
  }

  public boolean isAgent() {
    return agentState != null;
  }
}
