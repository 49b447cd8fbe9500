package dev.mesoshealth.processor.endpoints;

import dev.mesoshealth.events.EndpointStatus;
import java.time.Instant;
import java.util.List;

/**
 * What the processor keeps per endpoint: the task as Marathon last described it (as the fields
 * needed here), the last health-check verdict and when it was seen (kept through a Marathon
 * failover that blanks results), when Marathon last described the task, and what was last emitted.
 */
public record EndpointMemory(
    String cluster,
    String appId,
    String taskId,
    String agentId,
    String host,
    List<String> ipAddresses,
    List<Integer> ports,
    List<Integer> servicePorts,
    String state,
    boolean hasHealthChecks,
    Boolean lastHealthy,
    Instant lastHealthyAt,
    String lastFailureCause,
    Instant lastRecordAt,
    EndpointStatus emitted,
    List<String> emittedReasons) {

  public EndpointMemory {
    ipAddresses = ipAddresses == null ? List.of() : List.copyOf(ipAddresses);
    ports = ports == null ? List.of() : List.copyOf(ports);
    servicePorts = servicePorts == null ? List.of() : List.copyOf(servicePorts);
    emittedReasons = emittedReasons == null ? List.of() : List.copyOf(emittedReasons);
  }

  /** The key of the endpoint's records: app id and task id. */
  public String key() {
    return appId + "|" + taskId;
  }

  /** marathon-lb's backend name: app id without the leading '/', '/' -> '_', then _servicePort. */
  public String backend() {
    return backendName(appId, servicePorts.isEmpty() ? null : servicePorts.get(0));
  }

  /** marathon-lb's backend name of an app's (first) service port; null: no port suffix. */
  public static String backendName(String appId, Integer servicePort) {
    String base = (appId.startsWith("/") ? appId.substring(1) : appId).replace('/', '_');
    return servicePort == null ? base : base + "_" + servicePort;
  }
}
