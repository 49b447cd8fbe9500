package dev.mesoshealth.updaters.etcd;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mesoshealth.events.EndpointHealth;
import dev.mesoshealth.events.EndpointStatus;
import dev.mesoshealth.events.HealthReason;
import dev.mesoshealth.events.HealthState;
import dev.mesoshealth.events.NodeRole;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The etcd records the topics justify, and the difference from what etcd holds. Pure.
 *
 * <ul>
 *   <li>{@code <prefix>/health/agents/<agent id>} and {@code <prefix>/health/clusters/<name>}: JSON
 *       with state, since, reasons and host name;
 *   <li>{@code <prefix>/services/<app id>/<task id>} = {@code ip:port}, registrator style, for UP
 *       endpoints only (an app id's leading '/' dropped, its inner '/' kept as path levels).
 * </ul>
 */
public final class Records {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String prefix;
  private final String onlyCluster;

  /**
   * @param onlyCluster the cluster this updater writes for, or empty for all
   */
  public Records(String prefix, String onlyCluster) {
    this.prefix = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
    this.onlyCluster = onlyCluster;
  }

  public String prefix() {
    return prefix;
  }

  /** What etcd should hold under the prefix. */
  public SortedMap<String, String> desired(
      Map<String, HealthState> states, Collection<EndpointHealth> endpoints) {
    SortedMap<String, String> out = new TreeMap<>();
    states.forEach(
        (key, s) -> {
          if (!ours(s.getNode().getCluster())) {
            return;
          }
          if (key.startsWith("cluster:")) {
            out.put(prefix + "/health/clusters/" + key.substring("cluster:".length()), health(s));
          } else if (s.getNode().getRole() == NodeRole.AGENT) {
            out.put(prefix + "/health/agents/" + key, health(s));
          }
        });
    out.putAll(services(endpoints));
    return out;
  }

  /** The service records alone: {@code <prefix>/services/...} for UP endpoints. */
  public SortedMap<String, String> services(Collection<EndpointHealth> endpoints) {
    SortedMap<String, String> out = new TreeMap<>();
    for (EndpointHealth e : endpoints) {
      if (e.getStatus() == EndpointStatus.UP && ours(e.getCluster()) && e.getPort() != null) {
        String host = e.getIp() != null ? e.getIp() : e.getHost();
        if (host != null) {
          out.put(serviceKey(e.getAppId(), e.getTaskId()), host + ":" + e.getPort());
        }
      }
    }
    return out;
  }

  public boolean isService(String key) {
    return key.startsWith(prefix + "/services/");
  }

  String serviceKey(String appId, String taskId) {
    String app = appId.startsWith("/") ? appId.substring(1) : appId;
    return prefix + "/services/" + app + "/" + taskId;
  }

  private boolean ours(String cluster) {
    return onlyCluster.isEmpty() || onlyCluster.equals(cluster);
  }

  private static String health(HealthState s) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("state", s.getState().name());
    v.put("since", s.getSince().toString());
    v.put("hostname", s.getNode().getHostname());
    v.put("cluster", s.getNode().getCluster());
    List<Map<String, Object>> reasons = new ArrayList<>();
    for (HealthReason r : s.getReasons()) {
      Map<String, Object> reason = new LinkedHashMap<>();
      reason.put("rule", r.getRule());
      reason.put("severity", r.getSeverity().name());
      reason.put("message", r.getMessage());
      reasons.add(reason);
    }
    v.put("reasons", reasons);
    try {
      return JSON.writeValueAsString(v);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What to write and delete to go from {@code current} to {@code desired}. */
  public record Diff(SortedMap<String, String> puts, List<String> deletes) {
    public boolean isEmpty() {
      return puts.isEmpty() && deletes.isEmpty();
    }
  }

  /**
   * @param current what etcd holds under the prefix (or what was last written)
   * @param notOurLease keys etcd holds that are not under this updater's lease (written by hand, or
   *     by an earlier instance): rewritten so they expire with this one
   */
  public static Diff diff(
      Map<String, String> desired, Map<String, String> current, Collection<String> notOurLease) {
    SortedMap<String, String> puts = new TreeMap<>();
    desired.forEach(
        (k, v) -> {
          if (!v.equals(current.get(k)) || notOurLease.contains(k)) {
            puts.put(k, v);
          }
        });
    List<String> deletes =
        current.keySet().stream().filter(k -> !desired.containsKey(k)).sorted().toList();
    return new Diff(puts, deletes);
  }
}
