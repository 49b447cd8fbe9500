package dev.mesoshealth.processor.health;

import dev.mesoshealth.events.HealthStatus;
import dev.mesoshealth.events.NodeRole;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One node's one-minute summary, kept in a window store for history queries: the worst and last
 * state, how long it spent in each, rule hits, failed polls and the latest key gauges.
 */
public record NodeMinute(
    Instant start,
    HealthStatus worst,
    HealthStatus last,
    int evaluations,
    int failedPolls,
    Map<String, Integer> ruleHits,
    Map<String, Double> gauges,
    Map<HealthStatus, Long> millisInState,
    Instant lastAt) {

  public static final Duration SIZE = Duration.ofMinutes(1);

  private static final List<String> AGENT_GAUGES =
      List.of(
          "mesos.slave.cpus_percent",
          "mesos.slave.mem_percent",
          "mesos.slave.disk_percent",
          "mesos.slave.tasks_running",
          "mesos.stats.system.load_5min");
  private static final List<String> MASTER_GAUGES =
      List.of(
          "mesos.registrar.state_store_ms.p99",
          "mesos.cluster.event_queue_messages",
          "mesos.cluster.cpus_percent",
          "mesos.cluster.tasks_running",
          "mesos.stats.uptime_secs");

  /** Every key gauge a minute may carry, agents' then masters'. */
  public static final List<String> GAUGES =
      java.util.stream.Stream.concat(AGENT_GAUGES.stream(), MASTER_GAUGES.stream()).toList();

  public NodeMinute {
    ruleHits = ruleHits == null ? Map.of() : Map.copyOf(ruleHits);
    gauges = gauges == null ? Map.of() : Map.copyOf(gauges);
    millisInState = millisInState == null ? Map.of() : Map.copyOf(millisInState);
  }

  public static Instant windowStart(Instant at) {
    return Instant.ofEpochMilli(
        at.toEpochMilli() - Math.floorMod(at.toEpochMilli(), SIZE.toMillis()));
  }

  /**
   * The minute after one more evaluation.
   *
   * @param previous this minute so far, or null
   * @param metrics the snapshot's metrics, or null for an evaluation without one
   */
  public static NodeMinute add(
      NodeMinute previous,
      NodeMemory node,
      Map<String, Double> metrics,
      boolean pollFailed,
      Instant at) {
    // a late snapshot (polled before this minute began) counts in the minute in progress
    Instant start = previous != null ? previous.start() : windowStart(at);
    NodeMinute p =
        previous != null
            ? previous
            : new NodeMinute(
                start, node.state(), node.state(), 0, 0, Map.of(), Map.of(), Map.of(), start);
    Map<HealthStatus, Long> millis = new HashMap<>(p.millisInState());
    long elapsed =
        Math.max(
            0, Duration.between(p.lastAt().isBefore(start) ? start : p.lastAt(), at).toMillis());
    millis.merge(p.last(), elapsed, Long::sum);
    Map<String, Integer> hits = new HashMap<>(p.ruleHits());
    for (Reason r : node.reasons()) {
      if (!r.isNote()) {
        hits.merge(r.rule(), 1, Integer::sum);
      }
    }
    Map<String, Double> gauges = new HashMap<>(p.gauges());
    if (metrics != null) {
      for (String g : node.role() == NodeRole.MASTER ? MASTER_GAUGES : AGENT_GAUGES) {
        Double v = metrics.get(g);
        if (v != null) {
          gauges.put(g, v);
        }
      }
    }
    HealthStatus worst = worse(p.worst(), node.state());
    return new NodeMinute(
        start,
        worst,
        node.state(),
        p.evaluations() + 1,
        p.failedPolls() + (pollFailed ? 1 : 0),
        hits,
        gauges,
        millis,
        at);
  }

  /** Worse of two states for a summary: rule severity first, then UNKNOWN over HEALTHY. */
  static HealthStatus worse(HealthStatus a, HealthStatus b) {
    int ra = summaryRank(a);
    int rb = summaryRank(b);
    return rb > ra ? b : a;
  }

  private static int summaryRank(HealthStatus s) {
    return switch (s) {
      case HEALTHY -> 0;
      case DRAINING -> 1;
      case UNKNOWN -> 2;
      case DEGRADED -> 3;
      case UNHEALTHY -> 4;
      case UNREACHABLE -> 5;
      case GONE -> 1;
      default -> 0;
    };
  }
}
