package dev.mesoshealth.updaters.alerts;

import dev.mesoshealth.events.EndpointHealth;
import dev.mesoshealth.events.EndpointStatus;
import dev.mesoshealth.events.HealthReason;
import dev.mesoshealth.events.HealthState;
import dev.mesoshealth.events.HealthStatus;
import dev.mesoshealth.events.HealthTransition;
import dev.mesoshealth.events.NodeRef;
import dev.mesoshealth.events.NodeRole;
import dev.mesoshealth.schemas.topics.Topic;
import dev.mesoshealth.schemas.topics.TopicFollower;
import dev.mesoshealth.schemas.topics.Topics;
import dev.mesoshealth.service.Durations;
import dev.mesoshealth.updaters.ClusterGuard;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Which alerts fire, from what the processor publishes. A node or cluster in a bad state
 * (mesos.health.states, compacted: after a restart it is read again from the start, so the alerts
 * that fire are known again without a store of their own) is one alert, labelled with what an
 * on-call person routes and silences on; resolution is the alert leaving this set. An app with too
 * many endpoints out of rotation (mesos.endpoints.health, compacted too) is one alert. A node that
 * keeps turning bad (mesos.health.transitions, read from one flap window back) is one alert, even
 * while each bad spell is too short to page on.
 *
 * <p>Storm control, as the updaters freeze: while a cluster's collector is suspect, or more than
 * the storm share of its agents are down at once, its agents and apps raise no alert each but the
 * cluster raises one saying so; ten thousand pages for one blind collector help no one.
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

  /** An app alert names at most this many of its endpoints out of rotation. */
  private static final int ENDPOINTS_NAMED = 5;

  private final AlertPolicy policy;
  private final InstantSource clock;
  private final Map<String, HealthState> nodes = new HashMap<>();
  private final Map<String, HealthState> clusters = new HashMap<>();
  private final Map<String, EndpointHealth> endpoints = new HashMap<>();

  /** Per node: when it turned bad, within the flap window, and its latest such transition. */
  private final Map<String, Deque<Instant>> turnedBad = new HashMap<>();

  private final Map<String, HealthTransition> lastTurn = new HashMap<>();

  public AlertBook(AlertPolicy policy, InstantSource clock) {
    this.policy = policy;
    this.clock = clock;
  }

  /** The topics this book reads, and where a reader starts in each. */
  public Map<Topic<String, ?>, TopicFollower.Start> sources() {
    Map<Topic<String, ?>, TopicFollower.Start> out = new LinkedHashMap<>();
    out.put(Topics.HEALTH_STATES, TopicFollower.Start.beginning());
    out.put(Topics.ENDPOINT_HEALTH, TopicFollower.Start.beginning());
    if (policy.flapCount() > 0) {
      out.put(Topics.HEALTH_TRANSITIONS, TopicFollower.Start.since(policy.flapWindow()));
    }
    return out;
  }

  /** Takes a batch of records from {@link #sources()} (tombstones included). */
  public synchronized void accept(List<TopicFollower.Event> batch) {
    for (TopicFollower.Event e : batch) {
      if (e.topic().equals(Topics.HEALTH_TRANSITIONS.name())) {
        turn(e.key(), (HealthTransition) e.value());
      } else if (e.topic().equals(Topics.ENDPOINT_HEALTH.name())) {
        EndpointHealth h = (EndpointHealth) e.value();
        if (h == null || !wanted(h.getCluster())) {
          endpoints.remove(e.key());
        } else {
          endpoints.put(e.key(), h);
        }
      } else {
        Map<String, HealthState> into = e.key().startsWith("cluster:") ? clusters : nodes;
        HealthState s = (HealthState) e.value();
        if (s == null || !wanted(s.getNode().getCluster())) {
          into.remove(e.key());
        } else {
          into.put(e.key(), s);
        }
      }
    }
  }

  private boolean wanted(String cluster) {
    return policy.onlyCluster().isEmpty() || policy.onlyCluster().equals(cluster);
  }

  private void turn(String key, HealthTransition t) {
    if (t == null
        || !wanted(t.getNode().getCluster())
        || !SEVERITY.containsKey(t.getTo())
        || SEVERITY.containsKey(t.getFrom())) {
      return; // only a turn from fine to bad counts: UNHEALTHY -> UNREACHABLE is one spell
    }
    turnedBad.computeIfAbsent(key, k -> new ArrayDeque<>()).addLast(t.getAt());
    lastTurn.put(key, t);
  }

  /** The alerts that fire now. */
  public synchronized List<Alert> firing() {
    Map<String, String> storms = storms();
    List<Alert> out = new ArrayList<>();
    for (HealthState s : nodes.values()) {
      NodeRef n = s.getNode();
      if (SEVERITY.containsKey(s.getState()) && !heldBack(n, storms)) {
        out.add(alert(s, n.getRole() == NodeRole.MASTER ? "MesosMaster" : "MesosAgent"));
      }
    }
    storms.forEach((name, why) -> out.add(storm(name, why)));
    for (HealthState c : clusters.values()) {
      if (!storms.containsKey(c.getNode().getCluster()) && SEVERITY.containsKey(c.getState())) {
        out.add(alert(c, "MesosCluster"));
      }
    }
    out.addAll(apps(storms));
    out.addAll(flapping(storms));
    out.sort(Comparator.comparing(a -> a.labels().toString()));
    return out;
  }

  private static boolean heldBack(NodeRef n, Map<String, String> storms) {
    return n.getRole() == NodeRole.AGENT && storms.containsKey(n.getCluster());
  }

  /** Per cluster in a storm, why. */
  private Map<String, String> storms() {
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
      boolean suspect =
          c.getReasons().stream().anyMatch(r -> ClusterGuard.COLLECTOR_SUSPECT.equals(r.getRule()));
      if (suspect) {
        storms.put(
            c.getNode().getCluster(), "the collector may be blind: " + messages(c.getReasons()));
      }
    }
    agents.forEach(
        (cluster, n) -> {
          if (n[0] >= STORM_MIN_AGENTS
              && (double) n[0] / n[1] > policy.stormShare()
              && !storms.containsKey(cluster)) {
            storms.put(
                cluster,
                n[0]
                    + " of "
                    + n[1]
                    + " agents are down at once (more than "
                    + Math.round(policy.stormShare() * 100)
                    + "%)");
          }
        });
    return storms;
  }

  private Alert storm(String name, String why) {
    HealthState c = clusters.get("cluster:" + name);
    SortedMap<String, String> labels = new TreeMap<>();
    labels.put("alertname", "MesosHealthStorm");
    labels.put("cluster", name);
    labels.put("severity", "critical");
    SortedMap<String, String> annotations = new TreeMap<>();
    annotations.put("summary", "Cluster " + name + ": agent and app alerts held back, " + why);
    annotations.put("description", c == null ? why : messages(c.getReasons()));
    links(annotations, "/v1/clusters/" + name + "/health");
    return new Alert(labels, annotations, c == null ? null : c.getSince());
  }

  /** A Marathon app of a cluster. */
  private record App(String cluster, String id) {}

  /** One alert per app with at least the policy's share of its endpoints out of rotation. */
  private List<Alert> apps(Map<String, String> storms) {
    if (policy.endpointsShare() <= 0) {
      return List.of();
    }
    Map<App, List<EndpointHealth>> byApp =
        new TreeMap<>(Comparator.comparing(App::cluster).thenComparing(App::id));
    for (EndpointHealth h : endpoints.values()) {
      byApp.computeIfAbsent(new App(h.getCluster(), h.getAppId()), k -> new ArrayList<>()).add(h);
    }
    List<Alert> out = new ArrayList<>();
    byApp.forEach(
        (app, all) -> {
          List<EndpointHealth> away =
              all.stream()
                  .filter(h -> h.getStatus() != EndpointStatus.UP)
                  .sorted(Comparator.comparing(EndpointHealth::getTaskId))
                  .toList();
          if (!away.isEmpty()
              && (double) away.size() / all.size() >= policy.endpointsShare()
              && !storms.containsKey(app.cluster())) {
            out.add(appAlert(app, all.size(), away));
          }
        });
    return out;
  }

  private Alert appAlert(App app, int endpoints, List<EndpointHealth> away) {
    SortedMap<String, String> labels = new TreeMap<>();
    labels.put("alertname", "MesosAppEndpointsDown");
    labels.put("cluster", app.cluster());
    labels.put("app", app.id());
    labels.put("severity", away.size() == endpoints ? "critical" : "warning");
    SortedMap<String, String> annotations = new TreeMap<>();
    annotations.put(
        "summary",
        String.format(
            "App %s in %s: %d of %d endpoints out of rotation",
            app.id(), app.cluster(), away.size(), endpoints));
    String named =
        away.stream()
            .limit(ENDPOINTS_NAMED)
            .map(
                h ->
                    h.getTaskId()
                        + " on "
                        + h.getHost()
                        + " "
                        + h.getStatus()
                        + (h.getReasons().isEmpty()
                            ? ""
                            : " (" + String.join(", ", h.getReasons()) + ")"))
            .collect(Collectors.joining("; "));
    int more = away.size() - ENDPOINTS_NAMED;
    annotations.put("description", more > 0 ? named + "; and " + more + " more" : named);
    links(
        annotations,
        "/v1/endpoints?cluster="
            + app.cluster()
            + "&app="
            + URLEncoder.encode(app.id(), StandardCharsets.UTF_8));
    Instant since =
        away.stream().map(EndpointHealth::getEvaluatedAt).min(Comparator.naturalOrder()).get();
    return new Alert(labels, annotations, since);
  }

  /** One alert per node that turned bad the policy's count of times within its window. */
  private List<Alert> flapping(Map<String, String> storms) {
    if (policy.flapCount() <= 0) {
      return List.of();
    }
    Instant from = clock.instant().minus(policy.flapWindow());
    List<Alert> out = new ArrayList<>();
    var it = turnedBad.entrySet().iterator();
    while (it.hasNext()) {
      var e = it.next();
      Deque<Instant> turns = e.getValue();
      while (!turns.isEmpty() && turns.peekFirst().isBefore(from)) {
        turns.removeFirst();
      }
      if (turns.isEmpty()) {
        it.remove();
        lastTurn.remove(e.getKey());
        continue;
      }
      HealthTransition last = lastTurn.get(e.getKey());
      NodeRef n = last.getNode();
      if (turns.size() < policy.flapCount() || heldBack(n, storms)) {
        continue;
      }
      SortedMap<String, String> labels = new TreeMap<>();
      labels.put("alertname", "MesosNodeFlapping");
      labels.put("cluster", n.getCluster());
      labels.put("severity", "warning");
      labels.put("role", n.getRole().name());
      if (n.getRole() != NodeRole.CLUSTER) {
        labels.put("node", n.getId());
        labels.put("hostname", n.getHostname());
      }
      SortedMap<String, String> annotations = new TreeMap<>();
      annotations.put(
          "summary",
          describe(n)
              + " turned bad "
              + turns.size()
              + " times in "
              + Durations.format(policy.flapWindow()));
      annotations.put(
          "description",
          "last to " + last.getTo() + " at " + last.getAt() + ": " + messages(last.getReasons()));
      links(
          annotations,
          n.getRole() == NodeRole.CLUSTER
              ? "/v1/clusters/" + n.getCluster() + "/health"
              : "/v1/nodes/" + n.getId() + "/history");
      out.add(new Alert(labels, annotations, turns.peekFirst()));
    }
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
    annotations.put("summary", describe(n) + " is " + state + " since " + s.getSince());
    annotations.put("description", messages(s.getReasons()));
    annotations.put("since", String.valueOf(s.getSince()));
    links(
        annotations,
        n.getRole() == NodeRole.CLUSTER
            ? "/v1/clusters/" + n.getCluster() + "/health"
            : "/v1/nodes/" + n.getId() + "/health");
    return new Alert(labels, annotations, s.getSince());
  }

  private static String describe(NodeRef n) {
    return n.getRole() == NodeRole.CLUSTER
        ? "Cluster " + n.getCluster()
        : title(n.getRole().name()) + " " + n.getHostname() + " (" + n.getId() + ")";
  }

  private void links(SortedMap<String, String> annotations, String apiPath) {
    if (!policy.consoleUrl().isEmpty()) {
      annotations.put("console", policy.consoleUrl());
    }
    if (!policy.processorUrl().isEmpty()) {
      annotations.put("api", policy.processorUrl() + apiPath);
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
