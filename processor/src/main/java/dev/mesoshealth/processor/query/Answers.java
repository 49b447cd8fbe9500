package dev.mesoshealth.processor.query;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import java.util.List;
import java.util.Map;

/**
 * The REST API's answers, as docs/openapi.yaml documents them ({@code OpenApiContractTest} checks
 * both against each other). Times are ISO-8601 text. A component marked {@link Include#NON_NULL} is
 * left out when absent; every other one is written, as null if need be. Capacity points are the
 * {@code CapacityTrend} events' own JSON ({@code EventJson}).
 */
final class Answers {
  private Answers() {}

  /** Why a node or cluster is in its state. */
  record Reason(
      String rule,
      String severity,
      String metric,
      Double observed,
      Double threshold,
      String message) {}

  record NodeRef(String cluster, String role, String id, String hostname, String address) {}

  /** A change of state waiting for enough evaluations in a row. */
  record Pending(String state, int evaluations, int needed) {}

  record Maintenance(String mode, String start, String end) {}

  /** What the leading master's /master/slaves says of an agent. */
  record Inventory(
      boolean active,
      boolean deactivated,
      String drainState,
      @JsonInclude(Include.NON_NULL) Boolean recovering,
      @JsonInclude(Include.NON_NULL) Maintenance maintenance,
      @JsonInclude(Include.NON_NULL) String unlistedSince) {}

  record NodeHealth(
      NodeRef node,
      String state,
      String since,
      List<Reason> reasons,
      String lastSnapshotAt,
      String evaluatedAt,
      @JsonInclude(Include.NON_NULL) Pending pending,
      @JsonInclude(Include.NON_NULL) Boolean elected,
      @JsonInclude(Include.NON_NULL) Inventory inventory) {}

  /** Every matching node: {@code count} is of every match, {@code nodes} at most the limit. */
  record NodeList(
      int count,
      boolean complete,
      @JsonInclude(Include.NON_EMPTY) List<String> unanswered,
      List<NodeHealth> nodes) {}

  record Minute(
      String start,
      String worst,
      String last,
      int evaluations,
      int failedPolls,
      Map<String, Integer> ruleHits,
      Map<String, Double> gauges,
      Map<String, Double> secondsInState) {}

  record NodeHistory(String node, String from, String to, List<Minute> minutes) {}

  record MasterView(String id, String hostname, String state, boolean elected, String at) {}

  record CollectorView(int agentsTracked, int agentsFailing, String at) {}

  record ClusterHealth(
      String cluster,
      String id,
      String state,
      String since,
      List<Reason> reasons,
      String evaluatedAt,
      List<MasterView> masters,
      Map<String, Integer> agents,
      Map<String, CollectorView> collectors) {}

  record ClusterList(boolean complete, List<ClusterHealth> clusters) {}

  record MetricValue(String node, String key, double value, String at) {}

  /** A metric's latest values; {@code complete} only for the gathered list of every node. */
  record MetricValues(
      String metric, @JsonInclude(Include.NON_NULL) Boolean complete, List<MetricValue> values) {}

  record Endpoint(
      String key,
      String cluster,
      String appId,
      String taskId,
      String backend,
      String agentId,
      String host,
      List<Integer> ports,
      String taskState,
      String status,
      List<String> reasons,
      String lastRecordAt) {}

  record EndpointList(
      int count,
      boolean complete,
      @JsonInclude(Include.NON_EMPTY) List<String> unanswered,
      List<Endpoint> endpoints) {}

  /** Capacity groups' open windows, each a CapacityTrend event's JSON. */
  record CapacityGroups(
      int count,
      boolean complete,
      @JsonInclude(Include.NON_EMPTY) List<String> unanswered,
      List<Map<String, Object>> groups) {}

  record CapacityHistory(
      String group,
      String from,
      String to,
      List<Map<String, Object>> points,
      Map<String, Object> now) {}

  record ResourceForecast(String resource, double usedRatio, List<Map<String, Object>> trends) {}

  record Exhaustion(String resource, String horizon, String reach90At, String reach100At) {}

  record CapacityForecast(
      String group, String asOf, List<ResourceForecast> resources, Exhaustion soonestExhaustion) {}
}
