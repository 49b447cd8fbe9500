package dev.mesoshealth.console.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.util.List;
import java.util.Map;

/**
 * What the console's JSON answers and live events carry, as docs/console-openapi.yaml documents
 * them. Times are ISO-8601 text; a component marked {@link Include#NON_NULL} is left out when
 * absent. Capacity points are the CapacityTrend events' own JSON.
 */
public final class ConsoleViews {
  private ConsoleViews() {}

  public record Reason(
      String rule,
      String severity,
      String metric,
      Double observed,
      Double threshold,
      String message) {}

  public record Cluster(
      String name, String state, String since, List<Reason> reasons, String evaluatedAt) {}

  public record Maintenance(String mode, String start, String end) {}

  /**
   * A node's tile: the inventory part for agents the inventory lists, the elected flag and gauges
   * for masters.
   */
  @JsonInclude(Include.NON_NULL)
  public record Node(
      String id,
      String cluster,
      String role,
      String hostname,
      String address,
      String state,
      String since,
      List<Reason> reasons,
      String lastSnapshotAt,
      Map<String, String> attributes,
      List<String> roles,
      String zone,
      Boolean active,
      String drainState,
      Maintenance maintenance,
      Boolean elected,
      Map<String, Double> gauges) {}

  public record Transition(
      String node,
      String role,
      String hostname,
      String cluster,
      String from,
      String to,
      String at,
      List<Reason> reasons) {}

  /** A group's latest point and its recent used ratios ({@code t} and one per resource). */
  public record Capacity(
      String group, Map<String, Object> latest, List<Map<String, Object>> history) {}

  public record Endpoint(
      String key,
      String cluster,
      String appId,
      String taskId,
      String backend,
      String host,
      String ip,
      Integer port,
      String agentId,
      String status,
      List<String> reasons) {}

  /** Everything, for a browser that has just connected. */
  public record Full(
      List<Cluster> clusters,
      List<Node> nodes,
      List<Transition> transitions,
      List<Capacity> capacity,
      List<Endpoint> endpoints,
      String lastEventAt) {}

  /** What changed since the last drain: upserts by key, and the keys removed. */
  public record Changes(
      List<Cluster> clusters,
      List<String> removedClusters,
      List<Node> nodes,
      List<String> removedNodes,
      List<Transition> transitions,
      List<Capacity> capacity,
      List<Endpoint> endpoints,
      List<String> removedEndpoints,
      String lastEventAt) {}

  /** One node in detail: its tile, kept metrics, endpoints, and an agent's resources. */
  public record NodeDetail(
      @JsonUnwrapped Node node,
      Map<String, Double> metrics,
      List<Endpoint> endpoints,
      @JsonInclude(Include.NON_NULL) Resources resources) {}

  public record Resources(Map<String, Object> total, Map<String, Object> used) {}

  /** Whether the view is live: Kafka answers, and when it last did. */
  public record Feed(boolean kafkaReachable, String lastHeardFromKafka) {}
}
