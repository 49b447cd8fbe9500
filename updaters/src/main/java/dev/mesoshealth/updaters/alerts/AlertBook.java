package dev.mesoshealth.updaters.alerts;

import dev.mesoshealth.events.HealthReason;
import dev.mesoshealth.events.HealthState;
import dev.mesoshealth.events.HealthStatus;
import dev.mesoshealth.events.NodeRef;
import dev.mesoshealth.events.NodeRole;
import dev.mesoshealth.schemas.topics.TopicFollower;
import dev.mesoshealth.updaters.ClusterGuard;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Which alerts fire, from the health states as the processor publishes them (mesos.health.states,
 * compacted: after a restart it is read again from the start, so the alerts that fire are known
 * again without a store of their own). A node or cluster in a bad state is one alert, labelled with
 * what an on-call person routes and silences on; resolution is the alert leaving this set.
 *
 * <p>Storm control, as the updaters freeze: while a cluster's collector is suspect, or more than
 * {@code stormShare} of its agents are down at once, its agents raise no alert each but the cluster
 * raises one saying so; ten thousand pages for one blind collector help no one.
 */
public final class AlertBook {
  /** The states an alert is raised for, and how loud. */
  private static final Map<HealthStatus, String> SEVERITY =
      Map.of(
          HealthStatus.UNREACHABLE, "critical",
          HealthStatus.UNHEALTHY, "critical",
          HealthStatus.DEGRADED, "warning");

  /** Fewer agents down than this are never a storm, whatever their share (a small cluster). */
  static final int STORM_MIN_AGENTS = 3;

  private final String onlyCluster;
  private final double stormShare;
  private final String consoleUrl;
  private final String processorUrl;
  private final Map<String, HealthState> nodes = new HashMap<>();
  private final Map<String, HealthState> clusters = new HashMap<>();

  /**
   * @param onlyCluster the cluster to alert for; empty: every cluster
   * @param stormShare above this share of a cluster's agents down at once, one cluster alert
   * @param consoleUrl the console, for links; empty: none
   * @param processorUrl the processor's REST API, for links; empty: none
   */
  public AlertBook(String onlyCluster, double stormShare, String consoleUrl, String processorUrl) {
    this.onlyCluster = onlyCluster;
    this.stormShare = stormShare;
    this.consoleUrl = consoleUrl;
    this.processorUrl = processorUrl;
  }

  /** Takes a batch of health state records (tombstones included). */
  public synchronized void accept(List<TopicFollower.Event> batch) {
    for (TopicFollower.Event e : batch) {
      Map<String, HealthState> into = e.key().startsWith("cluster:") ? clusters : nodes;
      HealthState s = (HealthState) e.value();
      if (s == null || (!onlyCluster.isEmpty() && !onlyCluster.equals(s.getNode().getCluster()))) {
        into.remove(e.key());
      } else {
        into.put(e.key(), s);
      }
    }
  }

  /** The alerts that fire now. */
  public synchronized List<Alert> firing() {
    Map<String, int[]> agents = new HashMap<>(); // cluster -> {down, all}
    for (HealthState s : nodes.values()) {
      if (s.getNode().getRole() == NodeRole.AGENT && s.getState() != HealthStatus.GONE) {
        int[] n = agents.computeIfAbsent(s.getNode().getCluster(), c -> new int[2]);
        n[1]++;
        if (s.getState() == HealthStatus.UNREACHABLE || s.getState() == HealthStatus.UNHEALTHY) {
          n[0]++;
        }
      }
    }
    Map<String, String> storms = new TreeMap<>();
    for (HealthState c : clusters.values()) {
      String name = c.getNode().getCluster();
      boolean suspect =
          c.getReasons().stream().anyMatch(r -> ClusterGuard.COLLECTOR_SUSPECT.equals(r.getRule()));
      if (suspect) {
        storms.put(name, "the collector may be blind: " + messages(c.getReasons()));
      }
    }
    agents.forEach(
        (cluster, n) -> {
          if (n[0] >= STORM_MIN_AGENTS
              && (double) n[0] / n[1] > stormShare
              && !storms.containsKey(cluster)) {
            storms.put(
                cluster,
                n[0]
                    + " of "
                    + n[1]
                    + " agents are down at once (more than "
                    + Math.round(stormShare * 100)
                    + "%)");
          }
        });
    List<Alert> out = new ArrayList<>();
    for (HealthState s : nodes.values()) {
      NodeRef n = s.getNode();
      boolean agentInStorm = n.getRole() == NodeRole.AGENT && storms.containsKey(n.getCluster());
      if (SEVERITY.containsKey(s.getState()) && !agentInStorm) {
        out.add(alert(s, n.getRole() == NodeRole.MASTER ? "MesosMaster" : "MesosAgent"));
      }
    }
    storms.forEach(
        (name, why) -> {
          HealthState c = clusters.get("cluster:" + name);
          SortedMap<String, String> labels = new TreeMap<>();
          labels.put("alertname", "MesosHealthStorm");
          labels.put("cluster", name);
          labels.put("severity", "critical");
          SortedMap<String, String> annotations = new TreeMap<>();
          annotations.put("summary", "Cluster " + name + ": agent alerts held back, " + why);
          annotations.put("description", c == null ? why : messages(c.getReasons()));
          links(annotations, "/v1/clusters/" + name + "/health");
          out.add(new Alert(labels, annotations, c == null ? null : c.getSince()));
        });
    for (HealthState c : clusters.values()) {
      if (!storms.containsKey(c.getNode().getCluster()) && SEVERITY.containsKey(c.getState())) {
        out.add(alert(c, "MesosCluster"));
      }
    }
    out.sort((a, b) -> a.labels().toString().compareTo(b.labels().toString()));
    return out;
  }

  private Alert alert(HealthState s, String prefix) {
    NodeRef n = s.getNode();
    String state = s.getState().name();
    SortedMap<String, String> labels = new TreeMap<>();
    labels.put("alertname", prefix + title(state));
    labels.put("cluster", n.getCluster());
    labels.put("severity", SEVERITY.get(s.getState()));
    labels.put("state", state);
    if (n.getRole() != NodeRole.CLUSTER) {
      labels.put("node", n.getId());
      labels.put("hostname", n.getHostname());
      labels.put("role", n.getRole().name());
    }
    if (!s.getReasons().isEmpty()) {
      labels.put("rule", s.getReasons().get(0).getRule()); // the worst reason comes first
    }
    SortedMap<String, String> annotations = new TreeMap<>();
    String what =
        n.getRole() == NodeRole.CLUSTER
            ? "Cluster " + n.getCluster()
            : title(n.getRole().name()) + " " + n.getHostname() + " (" + n.getId() + ")";
    annotations.put("summary", what + " is " + state + " since " + s.getSince());
    annotations.put("description", messages(s.getReasons()));
    annotations.put("since", String.valueOf(s.getSince()));
    links(
        annotations,
        n.getRole() == NodeRole.CLUSTER
            ? "/v1/clusters/" + n.getCluster() + "/health"
            : "/v1/nodes/" + n.getId() + "/health");
    return new Alert(labels, annotations, s.getSince());
  }

  private void links(SortedMap<String, String> annotations, String apiPath) {
    if (!consoleUrl.isEmpty()) {
      annotations.put("console", consoleUrl);
    }
    if (!processorUrl.isEmpty()) {
      annotations.put("api", processorUrl + apiPath);
    }
  }

  private static String messages(List<HealthReason> reasons) {
    return reasons.isEmpty()
        ? "no reason given"
        : reasons.stream().map(HealthReason::getMessage).collect(Collectors.joining("; "));
  }

  private static String title(String upper) {
    return upper.charAt(0) + upper.substring(1).toLowerCase(java.util.Locale.ROOT);
  }
}
