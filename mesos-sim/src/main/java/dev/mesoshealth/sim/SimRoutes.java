package dev.mesoshealth.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mesoshealth.sim.cluster.Maintenance;
import dev.mesoshealth.sim.cluster.NodeFaults;
import dev.mesoshealth.sim.cluster.SimAgent;
import dev.mesoshealth.sim.cluster.SimCluster;
import dev.mesoshealth.sim.cluster.SimMaster;
import dev.mesoshealth.sim.http.HttpRequest;
import dev.mesoshealth.sim.http.Reply;
import dev.mesoshealth.sim.http.SimHttpServer.Handler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The HTTP endpoints of simulated masters, agents and Marathon, with each node's HTTP-level faults
 * applied: hung nodes never answer, slow ones answer late, broken ones answer with an error status
 * or a truncated body. Leader-only master endpoints redirect (307) to the leader or answer 503 when
 * none is elected, as Mesos does.
 */
final class SimRoutes {
  private static final byte[] EMPTY = new byte[0];
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] VERSION =
      "{\"version\":\"1.9.0\",\"build_date\":\"2019-09-03 08:12:29\",\"build_user\":\"sim\"}"
          .getBytes(StandardCharsets.UTF_8);

  private final SimCluster cluster;

  SimRoutes(SimCluster cluster) {
    this.cluster = cluster;
  }

  Handler agent(SimAgent agent) {
    return request -> {
      synchronized (cluster) {
        return withFaults(agent.faults(), agentReply(agent, request));
      }
    };
  }

  Handler master(SimMaster master) {
    return request -> {
      synchronized (cluster) {
        if (request.path().equals("/api/v1")) {
          return master.faults().hung ? new Reply.Never() : operatorApi(master, request);
        }
        if (request.path().startsWith("/maintenance/")
            || request.path().startsWith("/master/maintenance/")
            || request.path().startsWith("/machine/")
            || request.path().startsWith("/master/machine/")) {
          return withFaults(master.faults(), maintenance(master, request));
        }
        return withFaults(master.faults(), masterReply(master, request));
      }
    };
  }

  /**
   * The v1 Operator API, SUBSCRIBE only: on the leader a stream that never ends, RecordIO framed
   * ("<length>\n<json>"), SUBSCRIBED with the full state first, then events as they happen and a
   * HEARTBEAT every 15 s; a follower redirects (307) to the leader, as Mesos does.
   */
  private Reply operatorApi(SimMaster master, HttpRequest request) {
    if (!request.method().equals("POST")) {
      return Reply.status(405, "the Operator API takes POST");
    }
    String call = new String(request.body(), StandardCharsets.UTF_8).replaceAll("\\s", "");
    if (!call.contains("\"type\":\"SUBSCRIBE\"")) {
      return Reply.status(400, "the simulator answers SUBSCRIBE calls only");
    }
    if (!cluster.isElected(master)) {
      Optional<SimMaster> leader = cluster.leader();
      if (leader.isEmpty()) {
        return Reply.status(503, "No leader elected");
      }
      return Reply.redirect(307, "//" + leader.get().hostPort() + "/api/v1");
    }
    return new Reply.Stream(
        "application/json",
        sink -> {
          SimCluster.OperatorSubscriber subscriber =
              new SimCluster.OperatorSubscriber() {
                @Override
                public boolean send(String eventJson) {
                  return sink.send(recordIo(eventJson));
                }

                @Override
                public void close() {
                  sink.close();
                }
              };
          // under the cluster's lock, as every event is sent: SUBSCRIBED goes first
          synchronized (cluster) {
            try {
              sink.send(recordIo(cluster.subscribe(subscriber)));
            } catch (IllegalStateException e) {
              sink.close(); // the leadership moved meanwhile
            }
          }
        });
  }

  /**
   * Maintenance (docs/maintenance.md), on the leader: GET and POST /maintenance/schedule, GET
   * /maintenance/status, POST /machine/down and /machine/up; a follower redirects.
   */
  private Reply.Response maintenance(SimMaster master, HttpRequest request) {
    String path =
        request.path().startsWith("/master/") ? request.path().substring(7) : request.path();
    if (!cluster.isElected(master)) {
      Optional<SimMaster> leader = cluster.leader();
      if (leader.isEmpty()) {
        return Reply.status(503, "No leader elected");
      }
      return Reply.redirect(307, "//" + leader.get().hostPort() + "/master" + path);
    }
    boolean post = request.method().equals("POST");
    try {
      switch (path) {
        case "/maintenance/schedule" -> {
          if (post) {
            cluster.scheduleMaintenance(windows(JSON.readTree(request.body())));
            return new Reply.Response(200, "text/plain", EMPTY, Map.of());
          }
          return Reply.json(cluster.renderMaintenanceSchedule());
        }
        case "/maintenance/status" -> {
          return Reply.json(cluster.renderMaintenanceStatus());
        }
        case "/machine/down", "/machine/up" -> {
          if (!post) {
            return Reply.status(405, path + " takes POST");
          }
          List<Maintenance.MachineId> machines = new ArrayList<>();
          for (JsonNode m : JSON.readTree(request.body())) {
            machines.add(machine(m));
          }
          if (path.endsWith("down")) {
            cluster.machinesDown(machines);
          } else {
            cluster.machinesUp(machines);
          }
          return new Reply.Response(200, "text/plain", EMPTY, Map.of());
        }
        default -> {
          return Reply.status(404, "no such endpoint: " + request.path());
        }
      }
    } catch (IOException | IllegalArgumentException | NullPointerException e) {
      return Reply.status(400, "bad maintenance request: " + e.getMessage());
    }
  }

  private static List<Maintenance.Window> windows(JsonNode schedule) {
    List<Maintenance.Window> windows = new ArrayList<>();
    for (JsonNode w : schedule.path("windows")) {
      List<Maintenance.MachineId> machines = new ArrayList<>();
      for (JsonNode m : w.path("machine_ids")) {
        machines.add(machine(m));
      }
      JsonNode u = w.path("unavailability");
      long start = u.path("start").path("nanoseconds").asLong();
      long duration = u.path("duration").path("nanoseconds").asLong();
      windows.add(
          new Maintenance.Window(
              machines, java.time.Instant.ofEpochSecond(0, start), Duration.ofNanos(duration)));
    }
    return windows;
  }

  private static Maintenance.MachineId machine(JsonNode m) {
    return new Maintenance.MachineId(
        m.hasNonNull("hostname") ? m.get("hostname").asText() : null,
        m.hasNonNull("ip") ? m.get("ip").asText() : null);
  }

  private static byte[] recordIo(String json) {
    byte[] record = json.getBytes(StandardCharsets.UTF_8);
    byte[] prefix = (record.length + "\n").getBytes(StandardCharsets.US_ASCII);
    byte[] out = Arrays.copyOf(prefix, prefix.length + record.length);
    System.arraycopy(record, 0, out, prefix.length, record.length);
    return out;
  }

  Handler marathon() {
    return request -> {
      synchronized (cluster) {
        return withFaults(cluster.marathonFaults(), marathonReply(request));
      }
    };
  }

  private Reply.Response agentReply(SimAgent agent, HttpRequest request) {
    if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
      return Reply.status(405, "method not allowed");
    }
    return switch (request.path()) {
      case "/metrics/snapshot" -> Reply.json(cluster.renderAgentSnapshot(agent));
      case "/health" -> new Reply.Response(200, "text/plain", EMPTY, Map.of());
      case "/state", "/state.json", "/slave(1)/state", "/slave(1)/state.json" ->
          Reply.json(cluster.renderAgentState(agent));
      case "/version" -> Reply.json(VERSION);
      default -> Reply.status(404, "no such endpoint: " + request.path());
    };
  }

  private Reply.Response masterReply(SimMaster master, HttpRequest request) {
    if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
      return Reply.status(405, "method not allowed");
    }
    String path = request.path();
    switch (path) {
      case "/metrics/snapshot":
        return Reply.json(cluster.renderMasterSnapshot(master));
      case "/health":
        return new Reply.Response(200, "text/plain", EMPTY, Map.of());
      case "/version":
        return Reply.json(VERSION);
      case "/master/redirect":
      case "/redirect":
        {
          Optional<SimMaster> leader = cluster.leader();
          if (leader.isEmpty()) {
            return Reply.status(503, "No leader elected");
          }
          return Reply.redirect(307, "//" + leader.get().hostPort());
        }
      case "/master/state":
      case "/state":
      case "/master/state.json":
      case "/state.json":
        {
          if (!cluster.isElected(master)) {
            Optional<SimMaster> leader = cluster.leader();
            if (leader.isEmpty()) {
              return Reply.status(503, "No leader elected");
            }
            return Reply.redirect(307, "//" + leader.get().hostPort() + "/master/state");
          }
          return Reply.json(cluster.renderState(master));
        }
      case "/master/slaves":
      case "/slaves":
      case "/master/state-summary":
      case "/state-summary":
        {
          if (!cluster.isElected(master)) {
            Optional<SimMaster> leader = cluster.leader();
            if (leader.isEmpty()) {
              return Reply.status(503, "No leader elected");
            }
            String target = path.startsWith("/master/") ? path : "/master" + path;
            return Reply.redirect(307, "//" + leader.get().hostPort() + target);
          }
          return Reply.json(
              path.endsWith("slaves") ? cluster.renderSlaves() : cluster.renderStateSummary());
        }
      default:
        return Reply.status(404, "no such endpoint: " + path);
    }
  }

  private Reply.Response marathonReply(HttpRequest request) {
    if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
      return Reply.status(405, "method not allowed");
    }
    return switch (request.path()) {
      case "/v2/apps", "/v2/apps/" -> {
        String embed = request.query().getOrDefault("embed", "");
        yield Reply.json(cluster.renderMarathonApps(embed.endsWith(".tasks")));
      }
      case "/v2/tasks" -> Reply.json(cluster.renderMarathonTasks());
      case "/v2/info" ->
          Reply.json(
              ("{\"name\":\"marathon\",\"version\":\"1.9.109\",\"leader\":\""
                      + SimConfig.marathonIp()
                      + "\",\"frameworkId\":\"marathon\"}")
                  .getBytes(StandardCharsets.UTF_8));
      case "/ping" ->
          new Reply.Response(200, "text/plain", "pong".getBytes(StandardCharsets.UTF_8), Map.of());
      default -> Reply.status(404, "no such endpoint: " + request.path());
    };
  }

  /** Applies a node's HTTP faults to the answer it would give. */
  static Reply withFaults(NodeFaults faults, Reply.Response normal) {
    if (faults.hung) {
      return new Reply.Never();
    }
    Reply.Response response = normal;
    if (faults.httpStatus != 0) {
      response = Reply.status(faults.httpStatus, "simulated error " + faults.httpStatus);
    } else if (faults.malformed && normal.status() == 200) {
      byte[] body = normal.body();
      byte[] cut = Arrays.copyOf(body, Math.max(1, body.length / 2) + 3);
      cut[cut.length - 3] = ',';
      cut[cut.length - 2] = '"';
      cut[cut.length - 1] = (byte) 0xFF;
      response = new Reply.Response(200, normal.contentType(), cut, normal.headers());
    }
    if (faults.delayMs > 0) {
      return new Reply.Delayed(Duration.ofMillis(faults.delayMs), response);
    }
    return response;
  }
}
