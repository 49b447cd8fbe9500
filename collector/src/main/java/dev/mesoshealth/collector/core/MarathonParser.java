package dev.mesoshealth.collector.core;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mesoshealth.events.HealthCheckResult;
import dev.mesoshealth.events.TaskInventory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses Marathon's {@code /v2/apps?embed=apps.tasks} into one {@link TaskInventory} per task.
 * Handles 0.x payloads (no task {@code state}: a started task is running) and 1.5+ payloads
 * (service ports under {@code container.portMappings}).
 */
public final class MarathonParser {

  /** The tasks read, and what was skipped and why. */
  public record ParsedTasks(List<TaskInventory> tasks, List<String> skipped) {}

  private MarathonParser() {}

  public static ParsedTasks parse(byte[] body, String cluster, Instant observedAt)
      throws InvalidResponseException {
    JsonNode root = JsonBodies.object(body);
    JsonNode apps = root.get("apps");
    if (apps == null || !apps.isArray()) {
      throw new InvalidResponseException("no 'apps' array in /v2/apps");
    }
    List<TaskInventory> tasks = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    for (JsonNode app : apps) {
      String appId = JsonBodies.text(app, "id");
      if (appId == null) {
        skipped.add("an app without an id");
        continue;
      }
      boolean checks = app.path("healthChecks").isArray() && !app.path("healthChecks").isEmpty();
      List<Integer> appServicePorts = servicePorts(app);
      Map<String, String> labels = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> l : app.path("labels").properties()) {
        labels.put(l.getKey(), l.getValue().asText());
      }
      for (JsonNode t : app.path("tasks")) {
        String taskId = JsonBodies.text(t, "id");
        if (taskId == null) {
          skipped.add("a task of " + appId + " without an id");
          continue;
        }
        tasks.add(task(t, taskId, appId, checks, appServicePorts, labels, cluster, observedAt));
      }
    }
    return new ParsedTasks(tasks, skipped);
  }

  private static TaskInventory task(
      JsonNode t,
      String taskId,
      String appId,
      boolean checks,
      List<Integer> appServicePorts,
      Map<String, String> labels,
      String cluster,
      Instant observedAt) {
    List<String> ips = new ArrayList<>();
    for (JsonNode ip : t.path("ipAddresses")) {
      String address = JsonBodies.text(ip, "ipAddress");
      if (address != null) {
        ips.add(address);
      }
    }
    List<Integer> servicePorts = ints(t.path("servicePorts"));
    Instant startedAt = JsonBodies.iso(t, "startedAt");
    String state = JsonBodies.text(t, "state");
    if (state == null) {
      state = startedAt != null ? "TASK_RUNNING" : "TASK_STAGING";
    }
    List<HealthCheckResult> results = new ArrayList<>();
    for (JsonNode r : t.path("healthCheckResults")) {
      results.add(
          HealthCheckResult.newBuilder()
              .setAlive(r.path("alive").asBoolean(false))
              .setConsecutiveFailures(r.path("consecutiveFailures").asInt(0))
              .setFirstSuccess(JsonBodies.text(r, "firstSuccess"))
              .setLastSuccess(JsonBodies.text(r, "lastSuccess"))
              .setLastFailure(JsonBodies.text(r, "lastFailure"))
              .setLastFailureCause(JsonBodies.text(r, "lastFailureCause"))
              .build());
    }
    return TaskInventory.newBuilder()
        .setCluster(cluster)
        .setTaskId(taskId)
        .setAppId(appId)
        .setAgentId(JsonBodies.text(t, "slaveId"))
        .setHost(JsonBodies.text(t, "host"))
        .setIpAddresses(ips)
        .setPorts(ints(t.path("ports")))
        .setServicePorts(servicePorts.isEmpty() ? appServicePorts : servicePorts)
        .setState(state)
        .setStagedAt(JsonBodies.iso(t, "stagedAt"))
        .setStartedAt(startedAt)
        .setHasHealthChecks(checks)
        .setHealthCheckResults(results)
        .setLabels(labels)
        .setVersion(JsonBodies.text(t, "version"))
        .setObservedAt(observedAt)
        .build();
  }

  private static List<Integer> servicePorts(JsonNode app) {
    List<Integer> ports = new ArrayList<>();
    for (JsonNode d : app.path("portDefinitions")) {
      if (d.path("port").isInt()) {
        ports.add(d.get("port").asInt());
      }
    }
    if (ports.isEmpty()) {
      JsonNode mappings = app.path("container").path("portMappings");
      if (mappings.isMissingNode()) {
        mappings = app.path("container").path("docker").path("portMappings");
      }
      for (JsonNode m : mappings) {
        if (m.path("servicePort").isInt()) {
          ports.add(m.get("servicePort").asInt());
        }
      }
    }
    return ports;
  }

  private static List<Integer> ints(JsonNode array) {
    List<Integer> out = new ArrayList<>();
    for (JsonNode n : array) {
      if (n.isInt()) {
        out.add(n.asInt());
      }
    }
    return out;
  }
}
