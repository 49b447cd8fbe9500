package dev.mesoshealth.sim.cluster;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.mesoshealth.sim.cluster.SimMaster.Counter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Renders the simulated cluster as Mesos 1.x answers its HTTP endpoints: {@code /metrics/snapshot}
 * for masters and agents (the key sets of a real 1.4.1 capture, values from the simulation), {@code
 * /master/slaves}, {@code /master/state-summary} and the agent's {@code /state}. Called with the
 * cluster's lock held.
 */
final class MesosJson {
  static final String MESOS_VERSION = "1.9.0";
  private static final JsonFactory JSON = new JsonFactory();
  private static final Map<String, Double> AGENT_TEMPLATE = template("agent-metrics-template.json");
  private static final Map<String, Double> MASTER_TEMPLATE =
      template("master-metrics-template.json");
  private static final double MIB = 1024 * 1024;

  private MesosJson() {}

  // ------------------------------------------------------------ /metrics/snapshot

  static Map<String, Double> agentMetrics(SimCluster c, SimAgent a) {
    Map<String, Double> m = new LinkedHashMap<>(AGENT_TEMPLATE);
    for (String key :
        List.of("path_removals_failed", "path_removals_pending", "path_removals_succeeded")) {
      m.put("gc/" + key, 0.0);
    }
    AgentShape s = a.shape;
    resourceMetrics(
        m,
        "slave/",
        s.cpus(),
        a.usedCpus(),
        s.memMb(),
        a.usedMem(),
        s.diskMb(),
        a.usedDisk(),
        s.gpus(),
        0);
    long running = a.runningTasks();
    m.put("slave/tasks_running", (double) running);
    m.put("slave/tasks_staging", 0.0);
    m.put("slave/tasks_starting", 0.0);
    m.put("slave/tasks_killing", 0.0);
    m.put("slave/tasks_failed", (double) a.tasksFailed);
    m.put("slave/tasks_finished", (double) a.tasksFinished);
    m.put("slave/tasks_killed", (double) a.tasksKilled);
    m.put("slave/tasks_lost", (double) a.tasksLost);
    m.put("slave/tasks_gone", (double) a.tasksGone);
    m.put("slave/executors_running", (double) a.tasks.size());
    m.put("slave/executors_registering", 0.0);
    m.put("slave/executors_terminating", 0.0);
    m.put("slave/executors_terminated", (double) a.executorsTerminated);
    m.put("slave/executors_preempted", 0.0);
    Set<String> frameworks = new LinkedHashSet<>();
    for (SimTask t : a.tasks) {
      frameworks.add(t.frameworkId);
    }
    m.put("slave/frameworks_active", (double) frameworks.size());
    // an agent that has seen a new leader is disconnected until it re-registers
    m.put("slave/registered", a.registered && !a.recovering() && !a.unreachable ? 1.0 : 0.0);
    m.put("slave/recovery_errors", a.recoveryErrors);
    m.put("slave/uptime_secs", seconds(Duration.between(a.startedAt, c.now())));
    m.put("slave/container_launch_errors", (double) a.containerLaunchErrors);
    m.put("slave/valid_status_updates", (double) a.statusUpdates);
    m.put("slave/invalid_status_updates", 0.0);
    m.put("slave/valid_framework_messages", (double) a.frameworkMessages);
    m.put("slave/invalid_framework_messages", 0.0);
    m.put("containerizer/fetcher/task_fetches_succeeded", (double) a.fetchesSucceeded);
    m.put("containerizer/fetcher/task_fetches_failed", 0.0);
    m.put("gc/path_removals_succeeded", (double) a.gcRemovals);
    // the host has more memory than it offers to Mesos: the OS and the agent keep a share
    hostMetrics(
        m, s.cpus(), s.memMb() * 1.25 + 2048, a.usedMem(), a.load1, a.load5, a.load15, a.pressure);
    return m;
  }

  static Map<String, Double> masterMetrics(SimCluster c, SimMaster master) {
    boolean elected = c.isElected(master);
    Map<String, Double> m = new LinkedHashMap<>();
    if (!elected) {
      for (String key : MASTER_TEMPLATE.keySet()) {
        if (key.startsWith("master/")) {
          m.put(key, 0.0);
        }
      }
    } else {
      m.putAll(MASTER_TEMPLATE);
      m.keySet()
          .removeIf(
              k ->
                  k.startsWith("allocator/mesos/roles/")
                      || k.startsWith("allocator/mesos/offer_filters/roles/"));
      leaderMetrics(c, master, m);
    }
    m.put("master/elected", elected ? 1.0 : 0.0);
    m.put("master/uptime_secs", seconds(Duration.between(master.startedAt, c.now())));
    hostMetrics(m, 4, 16_384, 6_000 + c.agents.size() * 0.2, 0.4, 0.35, 0.3, false);
    return m;
  }

  private static void leaderMetrics(SimCluster c, SimMaster leader, Map<String, Double> m) {
    double cpus = 0;
    double cpusUsed = 0;
    double mem = 0;
    double memUsed = 0;
    double disk = 0;
    double diskUsed = 0;
    double gpus = 0;
    long running = 0;
    long unreachableTasks = 0;
    int active = 0;
    int inactive = 0;
    int connected = 0;
    int disconnected = 0;
    int unreachable = 0;
    Map<String, Double> roleCpus = new LinkedHashMap<>();
    roleCpus.put("*", 0.0);
    for (SimAgent a : c.agents) {
      if (a.removed || a.recovering()) {
        continue; // a recovered agent is only in the registry until it re-registers
      }
      if (a.unreachable) {
        unreachable++;
        unreachableTasks += a.tasks.stream().filter(t -> t.isMarathon()).count();
        continue;
      }
      if (!a.registered) {
        // a disconnected agent is also inactive, as Mesos counts it (_slaves_inactive)
        disconnected++;
        inactive++;
        continue;
      }
      connected++;
      if (a.deactivated) {
        inactive++;
      } else {
        active++;
      }
      cpus += a.shape.cpus();
      cpusUsed += a.usedCpus();
      mem += a.shape.memMb();
      memUsed += a.usedMem();
      disk += a.shape.diskMb();
      diskUsed += a.usedDisk();
      gpus += a.shape.gpus();
      running += a.runningTasks();
      String role = a.reservedRole == null ? "*" : a.reservedRole;
      roleCpus.merge(role, a.usedCpus(), Double::sum);
    }
    resourceMetrics(m, "master/", cpus, cpusUsed, mem, memUsed, disk, diskUsed, gpus, 0);
    m.put("master/slaves_active", (double) active);
    m.put("master/slaves_inactive", (double) inactive);
    m.put("master/slaves_connected", (double) connected);
    m.put("master/slaves_disconnected", (double) disconnected);
    m.put("master/slaves_unreachable", (double) unreachable);
    int frameworks = 2;
    m.put("master/frameworks_active", (double) frameworks);
    m.put("master/frameworks_inactive", 0.0);
    m.put(
        "master/frameworks_connected",
        (double) (c.marathonConnected ? frameworks : frameworks - 1));
    m.put("master/frameworks_disconnected", c.marathonConnected ? 0.0 : 1.0);
    m.put("master/tasks_running", (double) running);
    m.put("master/tasks_staging", 0.0);
    m.put("master/tasks_starting", 0.0);
    m.put("master/tasks_killing", 0.0);
    m.put("master/tasks_unreachable", (double) unreachableTasks);
    m.put("master/tasks_finished", (double) leader.get(Counter.TASKS_FINISHED));
    m.put("master/tasks_failed", (double) leader.get(Counter.TASKS_FAILED));
    m.put("master/tasks_killed", (double) leader.get(Counter.TASKS_KILLED));
    m.put("master/tasks_lost", (double) leader.get(Counter.TASKS_LOST));
    m.put("master/tasks_error", (double) leader.get(Counter.TASKS_ERROR));
    m.put("master/tasks_dropped", 0.0);
    m.put("master/tasks_gone", 0.0);
    m.put("master/tasks_gone_by_operator", 0.0);
    m.put("master/valid_status_updates", (double) leader.get(Counter.VALID_STATUS_UPDATES));
    m.put("master/invalid_status_updates", (double) leader.get(Counter.INVALID_STATUS_UPDATES));
    m.put("master/dropped_messages", (double) leader.get(Counter.DROPPED_MESSAGES));
    m.put("master/slave_registrations", (double) leader.get(Counter.SLAVE_REGISTRATIONS));
    m.put("master/slave_reregistrations", (double) leader.get(Counter.SLAVE_REREGISTRATIONS));
    m.put("master/slave_removals", (double) leader.get(Counter.SLAVE_REMOVALS));
    m.put("master/recovery_slave_removals", (double) leader.get(Counter.RECOVERY_SLAVE_REMOVALS));
    m.put(
        "master/slave_unreachable_scheduled",
        (double) leader.get(Counter.SLAVE_UNREACHABLE_SCHEDULED));
    m.put(
        "master/slave_unreachable_completed",
        (double) leader.get(Counter.SLAVE_UNREACHABLE_COMPLETED));
    m.put("master/outstanding_offers", (double) Math.min(active, 3 + (c.ticks() % 5)));
    m.put("master/event_queue_messages", (double) (c.eventQueueBacklog + c.ticks() % 3));
    m.put("master/event_queue_dispatches", (double) (c.eventQueueBacklog / 2 + c.ticks() % 4));
    m.put("master/event_queue_http_requests", (double) (c.ticks() % 2));
    long messages = leader.get(Counter.MESSAGES);
    for (String key : MASTER_TEMPLATE.keySet()) {
      if (key.startsWith("master/messages_")) {
        m.put(key, (double) (messages / 7 + (key.hashCode() & 7)));
      }
    }
    double p99 = c.registrarP99Ms > 0 ? c.registrarP99Ms : 18 + (c.ticks() % 7);
    m.put("registrar/state_store_ms", p99 * 0.3);
    m.put(
        "registrar/state_store_ms/count", (double) (leader.get(Counter.ALLOCATION_RUNS) / 10 + 1));
    m.put("registrar/state_store_ms/min", 2.1);
    m.put("registrar/state_store_ms/p50", Math.min(p99, 6.5));
    m.put("registrar/state_store_ms/p90", p99 * 0.7);
    m.put("registrar/state_store_ms/p95", p99 * 0.85);
    m.put("registrar/state_store_ms/p99", p99);
    m.put("registrar/state_store_ms/p999", p99 * 1.2);
    m.put("registrar/state_store_ms/p9999", p99 * 1.3);
    m.put("registrar/state_store_ms/max", p99 * 1.35);
    m.put("registrar/registry_size_bytes", 4096.0 + 820.0 * c.agents.size());
    m.put("allocator/mesos/allocation_runs", (double) leader.get(Counter.ALLOCATION_RUNS));
    m.put("allocator/mesos/resources/cpus/total", cpus);
    m.put("allocator/mesos/resources/cpus/offered_or_allocated", cpusUsed);
    m.put("allocator/mesos/resources/mem/total", mem);
    m.put("allocator/mesos/resources/mem/offered_or_allocated", memUsed);
    m.put("allocator/mesos/resources/disk/total", disk);
    m.put("allocator/mesos/resources/disk/offered_or_allocated", diskUsed);
    for (Map.Entry<String, Double> role : roleCpus.entrySet()) {
      m.put(
          "allocator/mesos/roles/" + role.getKey() + "/shares/dominant",
          cpus == 0 ? 0 : role.getValue() / cpus);
      m.put("allocator/mesos/offer_filters/roles/" + role.getKey() + "/active", 0.0);
    }
  }

  private static void resourceMetrics(
      Map<String, Double> m,
      String prefix,
      double cpus,
      double cpusUsed,
      double mem,
      double memUsed,
      double disk,
      double diskUsed,
      double gpus,
      double gpusUsed) {
    put(m, prefix, "cpus", cpus, cpusUsed);
    put(m, prefix, "mem", mem, memUsed);
    put(m, prefix, "disk", disk, diskUsed);
    put(m, prefix, "gpus", gpus, gpusUsed);
    for (String r : List.of("cpus", "mem", "disk", "gpus")) {
      m.put(prefix + r + "_revocable_total", 0.0);
      m.put(prefix + r + "_revocable_used", 0.0);
      m.put(prefix + r + "_revocable_percent", 0.0);
    }
  }

  private static void put(
      Map<String, Double> m, String prefix, String r, double total, double used) {
    m.put(prefix + r + "_total", total);
    m.put(prefix + r + "_used", used);
    m.put(prefix + r + "_percent", total == 0 ? 0 : used / total);
  }

  private static void hostMetrics(
      Map<String, Double> m,
      double cpus,
      double memMb,
      double usedMb,
      double load1,
      double load5,
      double load15,
      boolean pressure) {
    double total = memMb * MIB;
    double free = pressure ? total * 0.02 : Math.max(total * 0.05, total - (usedMb + 1024) * MIB);
    m.put("system/cpus_total", cpus);
    m.put("system/load_1min", round2(load1));
    m.put("system/load_5min", round2(load5));
    m.put("system/load_15min", round2(load15));
    m.put("system/mem_total_bytes", Math.floor(total));
    m.put("system/mem_free_bytes", Math.floor(free));
  }

  static byte[] snapshot(Map<String, Double> metrics, boolean partial) {
    return write(
        g -> {
          g.writeStartObject();
          for (Map.Entry<String, Double> e : metrics.entrySet()) {
            if (partial && (e.getKey().hashCode() & 3) == 0) {
              continue; // a timeout= snapshot: metrics not ready in time are left out
            }
            g.writeFieldName(e.getKey());
            number(g, e.getValue());
          }
          g.writeEndObject();
        });
  }

  // ------------------------------------------------------------ /master/slaves

  static byte[] slaves(SimCluster c) {
    return write(
        g -> {
          g.writeStartObject();
          agentLists(g, c, true);
          g.writeEndObject();
        });
  }

  /**
   * The agents as readonly_handler.cpp writes them: registered ones under slaves, the registry's
   * recovered ones (SlaveInfo's id, hostname, port and attributes, nothing the agent has not told
   * this master yet) under recovered_slaves. Unreachable agents are in neither.
   */
  private static void agentLists(JsonGenerator g, SimCluster c, boolean full) throws IOException {
    g.writeArrayFieldStart("slaves");
    for (SimAgent a : c.agents) {
      if (a.listed()) {
        agentInfo(g, c, a, full);
      }
    }
    g.writeEndArray();
    g.writeArrayFieldStart("recovered_slaves");
    for (SimAgent a : c.agents) {
      if (!a.removed && a.recovering()) {
        g.writeStartObject();
        g.writeStringField("id", a.id);
        g.writeStringField("hostname", a.hostname);
        g.writeNumberField("port", a.port);
        g.writeObjectFieldStart("attributes");
        for (Map.Entry<String, String> attr : a.attributes.entrySet()) {
          g.writeStringField(attr.getKey(), attr.getValue());
        }
        g.writeEndObject();
        g.writeEndObject();
      }
    }
    g.writeEndArray();
  }

  /**
   * GET /master/state, the fields a health tool reads (readonly_handler.cpp): who leads, the agent
   * counts (activated, deactivated, unreachable: numbers, as Mesos writes them) and the agent
   * lists. Frameworks and tasks are left empty: Marathon's API has them.
   */
  static byte[] state(SimCluster c, SimMaster self) {
    return write(
        g -> {
          SimMaster leader = c.leader().orElse(null);
          int activated = 0;
          int deactivated = 0;
          int unreachable = 0;
          for (SimAgent a : c.agents) {
            if (a.removed || a.recovering()) {
              continue;
            }
            if (a.unreachable) {
              unreachable++;
            } else if (a.deactivated || !a.registered) {
              deactivated++;
            } else {
              activated++;
            }
          }
          g.writeStartObject();
          g.writeStringField("version", MESOS_VERSION);
          g.writeNumberField("start_time", self.startedAt.toEpochMilli() / 1000.0);
          g.writeStringField("id", self.id);
          g.writeStringField("pid", "master@" + self.hostPort());
          g.writeStringField("hostname", self.hostname);
          g.writeNumberField("activated_slaves", activated);
          g.writeNumberField("deactivated_slaves", deactivated);
          g.writeNumberField("unreachable_slaves", unreachable);
          g.writeStringField("cluster", c.config.cluster());
          if (leader != null) {
            g.writeStringField("leader", "master@" + leader.hostPort());
          }
          agentLists(g, c, false);
          for (String empty :
              java.util.List.of(
                  "frameworks",
                  "completed_frameworks",
                  "orphan_tasks",
                  "unregistered_frameworks")) {
            g.writeArrayFieldStart(empty);
            g.writeEndArray();
          }
          g.writeEndObject();
        });
  }

  private static void agentInfo(JsonGenerator g, SimCluster c, SimAgent a, boolean full)
      throws IOException {
    g.writeStartObject();
    g.writeStringField("id", a.id);
    g.writeStringField("hostname", a.hostname);
    g.writeNumberField("port", a.port);
    g.writeStringField("pid", "slave(1)@" + a.ip + ":" + a.port);
    g.writeFieldName("registered_time");
    g.writeNumber(a.registeredAt.toEpochMilli() / 1000.0);
    if (a.reregisteredAt != null) {
      g.writeFieldName("reregistered_time");
      g.writeNumber(a.reregisteredAt.toEpochMilli() / 1000.0);
    }
    AgentShape s = a.shape;
    double rs = a.reservedShare;
    g.writeFieldName("resources");
    resources(g, s.cpus(), s.memMb(), s.diskMb(), s.gpus(), "[31000-32000]");
    g.writeFieldName("used_resources");
    resources(g, a.usedCpus(), a.usedMem(), a.usedDisk(), a.usedGpus(), usedPorts(a));
    g.writeFieldName("offered_resources");
    resources(g, 0, 0, 0, 0, null);
    g.writeObjectFieldStart("reserved_resources");
    if (a.reservedRole != null) {
      g.writeFieldName(a.reservedRole);
      resources(g, s.cpus() * rs, s.memMb() * rs, s.diskMb() * rs, 0, null);
    }
    g.writeEndObject();
    g.writeFieldName("unreserved_resources");
    resources(
        g,
        s.cpus() * (1 - rs),
        s.memMb() * (1 - rs),
        s.diskMb() * (1 - rs),
        s.gpus(),
        "[31000-32000]");
    if (full) {
      g.writeArrayFieldStart("used_resources_full");
      g.writeEndArray();
      g.writeArrayFieldStart("offered_resources_full");
      g.writeEndArray();
      g.writeObjectFieldStart("reserved_resources_full");
      g.writeEndObject();
      g.writeArrayFieldStart("unreserved_resources_full");
      g.writeEndArray();
    }
    g.writeObjectFieldStart("attributes");
    for (Map.Entry<String, String> attr : a.attributes.entrySet()) {
      g.writeStringField(attr.getKey(), attr.getValue());
    }
    g.writeEndObject();
    g.writeBooleanField("active", a.active());
    g.writeBooleanField("deactivated", a.deactivated);
    if (a.draining) {
      g.writeObjectFieldStart("drain_info");
      g.writeStringField("state", "DRAINING");
      g.writeObjectFieldStart("config");
      g.writeBooleanField("mark_gone", false);
      g.writeEndObject();
      g.writeEndObject();
    }
    g.writeStringField("version", MESOS_VERSION);
    g.writeArrayFieldStart("capabilities");
    for (String cap :
        List.of("MULTI_ROLE", "HIERARCHICAL_ROLE", "RESERVATION_REFINEMENT", "AGENT_DRAINING")) {
      g.writeString(cap);
    }
    g.writeEndArray();
    g.writeObjectFieldStart("domain");
    g.writeObjectFieldStart("fault_domain");
    g.writeObjectFieldStart("region");
    g.writeStringField("name", a.region);
    g.writeEndObject();
    g.writeObjectFieldStart("zone");
    g.writeStringField("name", a.zone);
    g.writeEndObject();
    g.writeEndObject();
    g.writeEndObject();
    g.writeEndObject();
  }

  private static String usedPorts(SimAgent a) {
    List<Integer> ports = new ArrayList<>();
    for (SimTask t : a.tasks) {
      ports.addAll(t.ports);
    }
    if (ports.isEmpty()) {
      return null;
    }
    Collections.sort(ports);
    StringBuilder ranges = new StringBuilder("[");
    int start = ports.get(0);
    int prev = start;
    for (int i = 1; i <= ports.size(); i++) {
      int port = i < ports.size() ? ports.get(i) : Integer.MIN_VALUE;
      if (port == prev + 1) {
        prev = port;
        continue;
      }
      if (ranges.length() > 1) {
        ranges.append(", ");
      }
      ranges.append(start).append('-').append(prev);
      start = port;
      prev = port;
    }
    return ranges.append(']').toString();
  }

  private static void resources(
      JsonGenerator g, double cpus, double mem, double disk, double gpus, String ports)
      throws IOException {
    g.writeStartObject();
    g.writeFieldName("disk");
    number(g, disk);
    g.writeFieldName("mem");
    number(g, mem);
    g.writeFieldName("gpus");
    number(g, gpus);
    g.writeFieldName("cpus");
    number(g, cpus);
    if (ports != null) {
      g.writeStringField("ports", ports);
    }
    g.writeEndObject();
  }

  // ------------------------------------------------------------ /master/state-summary

  static byte[] stateSummary(SimCluster c, SimMaster leader) {
    return write(
        g -> {
          g.writeStartObject();
          g.writeStringField("hostname", leader.hostname);
          g.writeStringField("cluster", c.config.cluster());
          g.writeArrayFieldStart("slaves");
          for (SimAgent a : c.agents) {
            if (!a.listed()) {
              continue;
            }
            g.writeStartObject();
            g.writeStringField("id", a.id);
            g.writeStringField("pid", "slave(1)@" + a.ip + ":" + a.port);
            g.writeStringField("hostname", a.hostname);
            g.writeBooleanField("active", a.active());
            g.writeStringField("version", MESOS_VERSION);
            g.writeNumberField("TASK_RUNNING", a.runningTasks());
            g.writeNumberField("TASK_FINISHED", a.tasksFinished);
            g.writeNumberField("TASK_FAILED", a.tasksFailed);
            g.writeNumberField("TASK_KILLED", a.tasksKilled);
            g.writeNumberField("TASK_LOST", a.tasksLost);
            g.writeNumberField("TASK_STAGING", 0);
            g.writeNumberField("TASK_STARTING", 0);
            g.writeNumberField("TASK_KILLING", 0);
            g.writeNumberField("TASK_ERROR", 0);
            g.writeArrayFieldStart("framework_ids");
            Set<String> fw = new LinkedHashSet<>();
            for (SimTask t : a.tasks) {
              fw.add(t.frameworkId);
            }
            for (String id : fw) {
              g.writeString(id);
            }
            g.writeEndArray();
            g.writeEndObject();
          }
          g.writeEndArray();
          g.writeArrayFieldStart("frameworks");
          framework(g, c.marathonFrameworkId, "marathon", c.marathonConnected);
          framework(g, c.batchFrameworkId, "spark", true);
          g.writeEndArray();
          g.writeEndObject();
        });
  }

  private static void framework(JsonGenerator g, String id, String name, boolean connected)
      throws IOException {
    g.writeStartObject();
    g.writeStringField("id", id);
    g.writeStringField("name", name);
    g.writeBooleanField("active", true);
    g.writeBooleanField("connected", connected);
    g.writeEndObject();
  }

  // ------------------------------------------------------------ agent /state

  static byte[] agentState(SimCluster c, SimAgent a) {
    return write(
        g -> {
          g.writeStartObject();
          g.writeStringField("version", MESOS_VERSION);
          g.writeStringField("id", a.id);
          g.writeStringField("pid", "slave(1)@" + a.ip + ":" + a.port);
          g.writeStringField("hostname", a.hostname);
          g.writeFieldName("start_time");
          g.writeNumber(a.startedAt.toEpochMilli() / 1000.0);
          g.writeFieldName("resources");
          AgentShape s = a.shape;
          resources(g, s.cpus(), s.memMb(), s.diskMb(), s.gpus(), "[31000-32000]");
          g.writeObjectFieldStart("attributes");
          for (Map.Entry<String, String> attr : a.attributes.entrySet()) {
            g.writeStringField(attr.getKey(), attr.getValue());
          }
          g.writeEndObject();
          c.leader()
              .ifPresent(
                  l -> writeQuietly(() -> g.writeStringField("master_hostname", l.hostname)));
          g.writeArrayFieldStart("frameworks");
          for (String fw : List.of(c.marathonFrameworkId, c.batchFrameworkId)) {
            g.writeStartObject();
            g.writeStringField("id", fw);
            g.writeStringField("name", fw.equals(c.marathonFrameworkId) ? "marathon" : "spark");
            g.writeArrayFieldStart("executors");
            for (SimTask t : a.tasks) {
              if (!t.frameworkId.equals(fw)) {
                continue;
              }
              g.writeStartObject();
              g.writeStringField("id", t.id);
              g.writeArrayFieldStart("tasks");
              g.writeStartObject();
              g.writeStringField("id", t.id);
              g.writeStringField("framework_id", fw);
              g.writeStringField("slave_id", a.id);
              g.writeStringField("state", t.state);
              g.writeFieldName("resources");
              resources(g, t.cpus, t.memMb, t.diskMb, 0, null);
              g.writeEndObject();
              g.writeEndArray();
              g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
          }
          g.writeEndArray();
          g.writeEndObject();
        });
  }

  // ------------------------------------------------------------- maintenance

  /** GET /maintenance/schedule, as Mesos writes a maintenance::Schedule. */
  static byte[] maintenanceSchedule(SimCluster c) {
    return write(
        g -> {
          g.writeStartObject();
          g.writeArrayFieldStart("windows");
          for (Maintenance.Window w : c.maintenanceSchedule()) {
            g.writeStartObject();
            g.writeArrayFieldStart("machine_ids");
            for (Maintenance.MachineId m : w.machines()) {
              machineId(g, m);
            }
            g.writeEndArray();
            g.writeObjectFieldStart("unavailability");
            g.writeObjectFieldStart("start");
            g.writeNumberField("nanoseconds", w.start().toEpochMilli() * 1_000_000L);
            g.writeEndObject();
            g.writeObjectFieldStart("duration");
            g.writeNumberField("nanoseconds", w.duration().toNanos());
            g.writeEndObject();
            g.writeEndObject();
            g.writeEndObject();
          }
          g.writeEndArray();
          g.writeEndObject();
        });
  }

  /** GET /maintenance/status: machines DRAINING (scheduled, not DOWN) and DOWN. */
  static byte[] maintenanceStatus(SimCluster c) {
    return write(
        g -> {
          Set<Maintenance.MachineId> down = c.machinesDown();
          g.writeStartObject();
          g.writeArrayFieldStart("draining_machines");
          Set<Maintenance.MachineId> seen = new java.util.HashSet<>();
          for (Maintenance.Window w : c.maintenanceSchedule()) {
            for (Maintenance.MachineId m : w.machines()) {
              if (!down.contains(m) && seen.add(m)) {
                g.writeStartObject();
                g.writeFieldName("id");
                machineId(g, m);
                g.writeEndObject();
              }
            }
          }
          g.writeEndArray();
          g.writeArrayFieldStart("down_machines");
          for (Maintenance.MachineId m : down) {
            machineId(g, m);
          }
          g.writeEndArray();
          g.writeEndObject();
        });
  }

  private static void machineId(JsonGenerator g, Maintenance.MachineId m) throws IOException {
    g.writeStartObject();
    if (m.hostname() != null) {
      g.writeStringField("hostname", m.hostname());
    }
    if (m.ip() != null) {
      g.writeStringField("ip", m.ip());
    }
    g.writeEndObject();
  }

  // ------------------------------------------------------ Operator API (v1) events

  static final String OPERATOR_HEARTBEAT = "{\"type\":\"HEARTBEAT\"}";

  /**
   * SUBSCRIBED with the state a subscriber starts from, shaped as Mesos' v1 master.proto writes it
   * (compare the real captures under shared/fixtures): the agents, registered and recovered.
   */
  static String operatorSubscribed(SimCluster c, int heartbeatSeconds) {
    return text(
        g -> {
          g.writeStartObject();
          g.writeStringField("type", "SUBSCRIBED");
          g.writeObjectFieldStart("subscribed");
          g.writeObjectFieldStart("get_state");
          g.writeObjectFieldStart("get_agents");
          g.writeArrayFieldStart("agents");
          for (SimAgent a : c.agents) {
            if (a.listed()) {
              operatorAgent(g, a);
            }
          }
          g.writeEndArray();
          g.writeArrayFieldStart("recovered_agents");
          for (SimAgent a : c.agents) {
            if (!a.removed && a.recovering()) {
              agentInfo(g, a);
            }
          }
          g.writeEndArray();
          g.writeEndObject();
          g.writeObjectFieldStart("get_frameworks");
          g.writeEndObject();
          g.writeObjectFieldStart("get_tasks");
          g.writeEndObject();
          g.writeObjectFieldStart("get_executors");
          g.writeEndObject();
          g.writeEndObject();
          g.writeNumberField("heartbeat_interval_seconds", (double) heartbeatSeconds);
          g.writeEndObject();
          g.writeEndObject();
        });
  }

  static String operatorAgentAdded(SimCluster c, SimAgent a) {
    return text(
        g -> {
          g.writeStartObject();
          g.writeStringField("type", "AGENT_ADDED");
          g.writeObjectFieldStart("agent_added");
          g.writeFieldName("agent");
          operatorAgent(g, a);
          g.writeEndObject();
          g.writeEndObject();
        });
  }

  /** TASK_ADDED, as a master writes a launched task: staging, with its resources. */
  static String operatorTaskAdded(SimAgent a, SimTask t) {
    return text(
        g -> {
          g.writeStartObject();
          g.writeStringField("type", "TASK_ADDED");
          g.writeObjectFieldStart("task_added");
          g.writeObjectFieldStart("task");
          idField(g, "agent_id", a.id);
          idField(g, "framework_id", t.frameworkId);
          idField(g, "task_id", t.id);
          g.writeStringField("name", t.app == null ? t.id : t.app.id);
          g.writeStringField("state", "TASK_STAGING");
          scalarResources(g, t.cpus, t.memMb, t.diskMb);
          g.writeEndObject();
          g.writeEndObject();
          g.writeEndObject();
        });
  }

  /** TASK_UPDATED: a status update the master got for a task. */
  static String operatorTaskUpdated(SimAgent a, SimTask t, String state, java.time.Instant at) {
    return text(
        g -> {
          g.writeStartObject();
          g.writeStringField("type", "TASK_UPDATED");
          g.writeObjectFieldStart("task_updated");
          idField(g, "framework_id", t.frameworkId);
          g.writeStringField("state", state);
          g.writeObjectFieldStart("status");
          idField(g, "agent_id", a.id);
          idField(g, "task_id", t.id);
          g.writeStringField("state", state);
          g.writeStringField("source", "SOURCE_MASTER");
          g.writeNumberField("timestamp", at.toEpochMilli() / 1000.0);
          g.writeEndObject();
          g.writeEndObject();
          g.writeEndObject();
        });
  }

  private static void idField(JsonGenerator g, String name, String value) throws IOException {
    g.writeObjectFieldStart(name);
    g.writeStringField("value", value);
    g.writeEndObject();
  }

  static String operatorAgentRemoved(SimAgent a) {
    return "{\"type\":\"AGENT_REMOVED\",\"agent_removed\":{\"agent_id\":{\"value\":\""
        + a.id
        + "\"}}}";
  }

  /** A v1 Agent: its AgentInfo, and what the master knows of the registration. */
  private static void operatorAgent(JsonGenerator g, SimAgent a) throws IOException {
    g.writeStartObject();
    g.writeFieldName("agent_info");
    agentInfo(g, a);
    g.writeBooleanField("active", a.active());
    g.writeBooleanField("deactivated", a.deactivated);
    g.writeStringField("version", MESOS_VERSION);
    g.writeStringField("pid", "slave(1)@" + a.ip + ":" + a.port);
    g.writeObjectFieldStart("registered_time");
    g.writeNumberField("nanoseconds", a.registeredAt.toEpochMilli() * 1_000_000L);
    g.writeEndObject();
    g.writeEndObject();
  }

  /** A v1 AgentInfo: id, hostname, port and scalar resources. */
  private static void agentInfo(JsonGenerator g, SimAgent a) throws IOException {
    g.writeStartObject();
    idField(g, "id", a.id);
    g.writeStringField("hostname", a.hostname);
    g.writeNumberField("port", a.port);
    scalarResources(g, a.shape.cpus(), a.shape.memMb(), a.shape.diskMb());
    g.writeEndObject();
  }

  /** v1 Resources: cpus, mem and disk as SCALAR entries. */
  private static void scalarResources(JsonGenerator g, double cpus, double mem, double disk)
      throws IOException {
    g.writeArrayFieldStart("resources");
    for (var r :
        java.util.List.of(
            Map.entry("cpus", cpus), Map.entry("mem", mem), Map.entry("disk", disk))) {
      g.writeStartObject();
      g.writeStringField("name", r.getKey());
      g.writeStringField("type", "SCALAR");
      g.writeObjectFieldStart("scalar");
      g.writeNumberField("value", r.getValue());
      g.writeEndObject();
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  private static String text(Body body) {
    return new String(write(body), java.nio.charset.StandardCharsets.UTF_8);
  }

  // ------------------------------------------------------------ plumbing

  interface Body {
    void write(JsonGenerator g) throws IOException;
  }

  static byte[] write(Body body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      body.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private interface IoAction {
    void run() throws IOException;
  }

  private static void writeQuietly(IoAction action) {
    try {
      action.run();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Mesos prints integral values without a fraction and the rest as doubles. */
  static void number(JsonGenerator g, double v) throws IOException {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      g.writeNumber((long) v);
    } else {
      g.writeNumber(v);
    }
  }

  static String iso(Instant t) {
    return t == null ? null : t.toString();
  }

  private static double seconds(Duration d) {
    return d.toMillis() / 1000.0;
  }

  private static double round2(double v) {
    return Math.round(v * 100) / 100.0;
  }

  private static Map<String, Double> template(String resource) {
    try (InputStream in = MesosJson.class.getResourceAsStream("/dev/mesoshealth/sim/" + resource)) {
      if (in == null) {
        throw new IllegalStateException("simulator template " + resource + " missing");
      }
      Map<String, Double> values = new LinkedHashMap<>();
      try (JsonParser p = JSON.createParser(in)) {
        p.nextToken();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String key = p.currentName();
          p.nextToken();
          values.put(key, p.getDoubleValue());
        }
      }
      return Collections.unmodifiableMap(values);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read simulator template " + resource, e);
    }
  }
}
