package dev.mesoshealth.processor.bi;

import dev.mesoshealth.events.CapacityTrend;
import dev.mesoshealth.events.HealthReason;
import dev.mesoshealth.events.HealthStatus;
import dev.mesoshealth.events.HealthTransition;
import dev.mesoshealth.events.ResourceCapacity;
import dev.mesoshealth.events.ShapeFit;
import dev.mesoshealth.events.Trend;
import dev.mesoshealth.processor.health.NodeMemory;
import dev.mesoshealth.processor.health.NodeMinute;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;

/**
 * The BI feeds' rows: flat Connect structs, one row per fact, with explicit primary-key fields, so
 * a JDBC sink can upsert them into tables a SQL tool reads directly. Column names are snake_case;
 * gauges keep their canonical metric name with dots as underscores.
 */
public final class FeedRows {

  /** Primary key of {@code node_health_minutely}. */
  public static final List<String> NODE_MINUTE_KEY = List.of("node_id", "minute");

  /** Primary key of {@code capacity_minutely}. */
  public static final List<String> CAPACITY_KEY = List.of("group_id", "minute");

  /** Primary key of {@code transitions}. */
  public static final List<String> TRANSITION_KEY = List.of("node_id", "at");

  /** The states a node can spend time in, one {@code minutes_<state>} column each. */
  static final List<HealthStatus> STATES =
      List.of(
          HealthStatus.HEALTHY,
          HealthStatus.DEGRADED,
          HealthStatus.UNHEALTHY,
          HealthStatus.UNREACHABLE,
          HealthStatus.DRAINING,
          HealthStatus.UNKNOWN,
          HealthStatus.GONE);

  private static final List<String> RESOURCES = List.of("cpus", "mem", "disk", "gpus");

  public static final Schema NODE_MINUTE = nodeMinuteSchema();
  public static final Schema TRANSITION = transitionSchema();

  private final Schema capacity;
  private final List<String> shapes;

  /**
   * @param shapes the reference task shapes' names, one {@code placeable_<name>} column each
   */
  public FeedRows(List<String> shapes) {
    this.shapes = List.copyOf(shapes);
    this.capacity = capacitySchema(this.shapes);
  }

  public Schema capacitySchema() {
    return capacity;
  }

  private static Schema nodeMinuteSchema() {
    SchemaBuilder b =
        SchemaBuilder.struct()
            .name("dev.mesoshealth.bi.NodeHealthMinute")
            .doc("One node's one minute.")
            .field("node_id", Schema.STRING_SCHEMA)
            .field("minute", Timestamp.SCHEMA)
            .field("cluster", Schema.STRING_SCHEMA)
            .field("role", Schema.STRING_SCHEMA)
            .field("hostname", Schema.OPTIONAL_STRING_SCHEMA)
            .field("worst_state", Schema.STRING_SCHEMA)
            .field("last_state", Schema.STRING_SCHEMA)
            .field("evaluations", Schema.INT32_SCHEMA)
            .field("failed_polls", Schema.INT32_SCHEMA);
    for (HealthStatus s : STATES) {
      b.field("minutes_" + s.name().toLowerCase(Locale.ROOT), Schema.FLOAT64_SCHEMA);
    }
    b.field("rule_hits", Schema.OPTIONAL_STRING_SCHEMA);
    for (String gauge : NodeMinute.GAUGES) {
      b.field(column(gauge), Schema.OPTIONAL_FLOAT64_SCHEMA);
    }
    return b.build();
  }

  private static Schema transitionSchema() {
    return SchemaBuilder.struct()
        .name("dev.mesoshealth.bi.HealthTransition")
        .doc("One change of a node's health state.")
        .field("node_id", Schema.STRING_SCHEMA)
        .field("at", Timestamp.SCHEMA)
        .field("cluster", Schema.STRING_SCHEMA)
        .field("role", Schema.STRING_SCHEMA)
        .field("hostname", Schema.OPTIONAL_STRING_SCHEMA)
        .field("address", Schema.OPTIONAL_STRING_SCHEMA)
        .field("from_state", Schema.STRING_SCHEMA)
        .field("to_state", Schema.STRING_SCHEMA)
        .field("rules", Schema.OPTIONAL_STRING_SCHEMA)
        .field("reasons", Schema.OPTIONAL_STRING_SCHEMA)
        .build();
  }

  private static Schema capacitySchema(List<String> shapes) {
    SchemaBuilder b =
        SchemaBuilder.struct()
            .name("dev.mesoshealth.bi.CapacityMinute")
            .doc("One capacity group's one minute.")
            .field("group_id", Schema.STRING_SCHEMA)
            .field("minute", Timestamp.SCHEMA)
            .field("cluster", Schema.STRING_SCHEMA)
            .field("group_kind", Schema.STRING_SCHEMA)
            .field("group_attribute", Schema.OPTIONAL_STRING_SCHEMA)
            .field("group_value", Schema.OPTIONAL_STRING_SCHEMA)
            .field("agents", Schema.INT32_SCHEMA)
            .field("agents_excluded", Schema.INT32_SCHEMA);
    for (String r : RESOURCES) {
      for (String measure : List.of("total", "used", "reserved", "offered", "free", "used_ratio")) {
        b.field(r + "_" + measure, Schema.FLOAT64_SCHEMA);
      }
      b.field(r + "_trend", Schema.OPTIONAL_STRING_SCHEMA);
      b.field(r + "_slope_per_hour", Schema.OPTIONAL_FLOAT64_SCHEMA);
      b.field(r + "_reach_90_at", Timestamp.builder().optional().build());
      b.field(r + "_reach_100_at", Timestamp.builder().optional().build());
    }
    b.field("trend_horizon", Schema.OPTIONAL_STRING_SCHEMA);
    for (String shape : shapes) {
      b.field("placeable_" + column(shape), Schema.INT64_SCHEMA);
    }
    b.field("largest_free_cpus", Schema.FLOAT64_SCHEMA);
    b.field("largest_free_mem", Schema.FLOAT64_SCHEMA);
    b.field("largest_free_disk", Schema.FLOAT64_SCHEMA);
    b.field("fragmentation_index", Schema.FLOAT64_SCHEMA);
    return b.build();
  }

  /**
   * A closed minute of a node. Time after its last evaluation counts in the last state, up to the
   * minute's end or {@code now}, whichever is earlier.
   */
  public static Struct nodeMinute(String nodeId, NodeMemory node, NodeMinute m, Instant now) {
    Instant end = m.start().plus(NodeMinute.SIZE);
    Instant tailEnd = now.isBefore(end) ? now : end;
    long tail = Math.max(0, Duration.between(m.lastAt(), tailEnd).toMillis());
    Struct row =
        new Struct(NODE_MINUTE)
            .put("node_id", nodeId)
            .put("minute", Date.from(m.start()))
            .put("cluster", node.cluster())
            .put("role", node.role().name())
            .put("hostname", node.hostname())
            .put("worst_state", m.worst().name())
            .put("last_state", m.last().name())
            .put("evaluations", m.evaluations())
            .put("failed_polls", m.failedPolls());
    for (HealthStatus s : STATES) {
      long millis = m.millisInState().getOrDefault(s, 0L) + (s == m.last() ? tail : 0);
      row.put("minutes_" + s.name().toLowerCase(Locale.ROOT), millis / 60_000.0);
    }
    row.put("rule_hits", m.ruleHits().isEmpty() ? null : text(m.ruleHits()));
    m.gauges().forEach((gauge, value) -> row.put(column(gauge), value));
    return row;
  }

  public static Struct transition(HealthTransition t) {
    List<HealthReason> reasons = t.getReasons();
    return new Struct(TRANSITION)
        .put("node_id", t.getNode().getId())
        .put("at", Date.from(t.getAt()))
        .put("cluster", t.getNode().getCluster())
        .put("role", t.getNode().getRole().name())
        .put("hostname", t.getNode().getHostname())
        .put("address", t.getNode().getAddress())
        .put("from_state", t.getFrom().name())
        .put("to_state", t.getTo().name())
        .put(
            "rules",
            reasons.isEmpty()
                ? null
                : reasons.stream().map(HealthReason::getRule).collect(Collectors.joining(",")))
        .put(
            "reasons",
            reasons.isEmpty()
                ? null
                : reasons.stream()
                    .map(r -> r.getRule() + " (" + r.getSeverity() + "): " + r.getMessage())
                    .collect(Collectors.joining("; ")));
  }

  /** A closed capacity window; trends from the longest horizon. */
  public Struct capacity(CapacityTrend c) {
    Struct row =
        new Struct(capacity)
            .put("group_id", c.getGroupId())
            .put("minute", Date.from(c.getWindowStart()))
            .put("cluster", c.getCluster())
            .put("group_kind", c.getKind().name())
            .put("group_attribute", c.getAttribute())
            .put("group_value", c.getValue())
            .put("agents", c.getAgents())
            .put("agents_excluded", c.getAgentsExcluded());
    String horizon = null;
    for (String r : RESOURCES) {
      ResourceCapacity rc =
          c.getResources().stream().filter(x -> x.getResource().equals(r)).findFirst().orElse(null);
      row.put(r + "_total", rc == null ? 0.0 : rc.getTotal())
          .put(r + "_used", rc == null ? 0.0 : rc.getUsed())
          .put(r + "_reserved", rc == null ? 0.0 : rc.getReserved())
          .put(r + "_offered", rc == null ? 0.0 : rc.getOffered())
          .put(r + "_free", rc == null ? 0.0 : rc.getFree())
          .put(r + "_used_ratio", rc == null ? 0.0 : rc.getUsedRatio());
      Trend longest =
          rc == null
              ? null
              : rc.getTrends().stream()
                  .max(Comparator.comparing(t -> Duration.parse(t.getHorizon())))
                  .orElse(null);
      if (longest != null) {
        horizon = longest.getHorizon();
        row.put(r + "_trend", longest.getVerdict().name())
            .put(r + "_slope_per_hour", longest.getSlopePerHour())
            .put(r + "_reach_90_at", date(longest.getReach90At()))
            .put(r + "_reach_100_at", date(longest.getReach100At()));
      }
    }
    row.put("trend_horizon", horizon);
    for (String shape : shapes) {
      long placeable =
          c.getShapes().stream()
              .filter(s -> s.getShape().equals(shape))
              .mapToLong(ShapeFit::getPlaceable)
              .findFirst()
              .orElse(0);
      row.put("placeable_" + column(shape), placeable);
    }
    row.put("largest_free_cpus", c.getLargestFreeSlot().getCpus())
        .put("largest_free_mem", c.getLargestFreeSlot().getMemMb())
        .put("largest_free_disk", c.getLargestFreeSlot().getDiskMb())
        .put("fragmentation_index", c.getFragmentationIndex());
    return row;
  }

  /** A SQL-friendly column name: lower case, anything but letters and digits as underscores. */
  static String column(String name) {
    return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
  }

  private static String text(Map<String, Integer> hits) {
    return hits.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(","));
  }

  private static Date date(Instant at) {
    return at == null ? null : Date.from(at);
  }
}
