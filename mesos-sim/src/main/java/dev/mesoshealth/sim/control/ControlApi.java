package dev.mesoshealth.sim.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.mesoshealth.service.Durations;
import dev.mesoshealth.sim.MesosSimulator;
import dev.mesoshealth.sim.cluster.FaultKind;
import dev.mesoshealth.sim.cluster.FaultRecord;
import dev.mesoshealth.sim.cluster.FaultSpec;
import dev.mesoshealth.sim.cluster.SimAgent;
import dev.mesoshealth.sim.cluster.SimCluster;
import dev.mesoshealth.sim.cluster.SimMaster;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The simulator's control API: JSON over HTTP on 127.0.0.1, to inspect the cluster and inject
 * faults by hand or from tests. Endpoints are documented in docs/services.md.
 */
public final class ControlApi implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_BODY = 64 * 1024;

  private final MesosSimulator sim;
  private final HttpServer server;
  private final ExecutorService executor;

  public ControlApi(MesosSimulator sim, String host, int port) throws IOException {
    this.sim = sim;
    try {
      this.server = HttpServer.create(new InetSocketAddress(host, port), 50);
    } catch (IOException e) {
      throw new IOException(
          "cannot start the simulator control API on " + host + ":" + port + ": " + e.getMessage(),
          e);
    }
    this.executor =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "mesos-sim-control");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  public String url() {
    InetSocketAddress a = server.getAddress();
    String host = a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : a.getHostString();
    return "http://" + host + ":" + a.getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getPath();
      String method = ex.getRequestMethod();
      try {
        Object body = route(method, path, ex);
        if (body == null) {
          send(ex, 404, Map.of("error", "no such resource: " + method + " " + path));
        } else {
          send(ex, method.equals("POST") ? 201 : 200, body);
        }
      } catch (IllegalArgumentException e) {
        send(ex, 400, Map.of("error", e.getMessage()));
      } catch (MethodNotAllowed e) {
        send(ex, 405, Map.of("error", e.getMessage()));
      }
    }
  }

  private static final class MethodNotAllowed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MethodNotAllowed(String method, String path) {
      super(method + " is not allowed on " + path);
    }
  }

  private Object route(String method, String path, HttpExchange ex) throws IOException {
    if (path.equals("/v1/cluster")) {
      requireMethod(method, "GET", path);
      return cluster();
    }
    if (path.equals("/v1/agents")) {
      requireMethod(method, "GET", path);
      List<Object> agents = new ArrayList<>();
      for (SimAgent a : sim.cluster().agents()) {
        agents.add(agent(a));
      }
      return agents;
    }
    if (path.equals("/v1/fault-kinds")) {
      requireMethod(method, "GET", path);
      List<Object> kinds = new ArrayList<>();
      for (FaultKind k : FaultKind.values()) {
        kinds.add(
            Map.of("kind", k.name(), "scope", k.scope().name(), "description", k.description()));
      }
      return kinds;
    }
    if (path.equals("/v1/faults")) {
      if (method.equals("GET")) {
        boolean activeOnly = "active=true".equals(ex.getRequestURI().getQuery());
        List<Object> faults = new ArrayList<>();
        for (FaultRecord r : sim.faults()) {
          if (!activeOnly || r.active()) {
            faults.add(fault(r));
          }
        }
        return faults;
      }
      requireMethod(method, "POST", path);
      return fault(sim.inject(parseSpec(readBody(ex))));
    }
    if (path.startsWith("/v1/faults/")) {
      long id;
      try {
        id = Long.parseLong(path.substring("/v1/faults/".length()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "fault ids are numbers, got '" + path.substring(11) + "'");
      }
      if (method.equals("DELETE")) {
        return sim.clear(id).map(ControlApi::fault).orElse(null);
      }
      requireMethod(method, "GET", path);
      return sim.faults().stream()
          .filter(r -> r.id() == id)
          .findFirst()
          .map(ControlApi::fault)
          .orElse(null);
    }
    return null;
  }

  private static void requireMethod(String method, String expected, String path) {
    if (!method.equals(expected)) {
      throw new MethodNotAllowed(method, path);
    }
  }

  /** Parses {"kind": "DOWN", "target": "...", "duration": "30s", "params": {...}}. */
  public static FaultSpec parseSpec(JsonNode node) {
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("expected a JSON object with at least \"kind\"");
    }
    JsonNode kindNode = node.get("kind");
    if (kindNode == null || !kindNode.isTextual()) {
      throw new IllegalArgumentException("\"kind\" is required; see GET /v1/fault-kinds");
    }
    FaultKind kind;
    try {
      kind = FaultKind.valueOf(kindNode.asText().toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown fault kind '" + kindNode.asText() + "'; see GET /v1/fault-kinds");
    }
    String target = node.hasNonNull("target") ? node.get("target").asText() : null;
    Duration duration =
        node.hasNonNull("duration") ? Durations.parse(node.get("duration").asText()) : null;
    Map<String, String> params = new LinkedHashMap<>();
    JsonNode p = node.get("params");
    if (p != null && p.isObject()) {
      for (Map.Entry<String, JsonNode> e : p.properties()) {
        params.put(e.getKey(), e.getValue().asText());
      }
    }
    return new FaultSpec(kind, target, duration, params);
  }

  private static JsonNode readBody(HttpExchange ex) throws IOException {
    try (InputStream in = ex.getRequestBody()) {
      byte[] body = in.readNBytes(MAX_BODY + 1);
      if (body.length > MAX_BODY) {
        throw new IllegalArgumentException("request body over " + MAX_BODY + " bytes");
      }
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "request body is not JSON: " + e.getMessage().lines().findFirst().orElse(""));
      }
    }
  }

  private Map<String, Object> cluster() {
    SimCluster c = sim.cluster();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("cluster", c.name());
    List<Object> masters = new ArrayList<>();
    for (SimMaster m : c.masters()) {
      Map<String, Object> mm = new LinkedHashMap<>();
      mm.put("id", m.id());
      mm.put("hostname", m.hostname());
      mm.put("url", "http://" + m.hostPort());
      mm.put("elected", c.isElected(m));
      mm.put("up", m.listening());
      masters.add(mm);
    }
    out.put("masters", masters);
    out.put("leader", c.leader().map(m -> "http://" + m.hostPort()).orElse(null));
    out.put("marathon", sim.marathonUrl());
    out.put("agents", c.agents().stream().filter(a -> !a.isRemoved()).count());
    out.put("zk", sim.zkUrl().orElse(null));
    out.put("now", c.now().toString());
    out.put("requestsServed", sim.requestsServed());
    return out;
  }

  private Map<String, Object> agent(SimAgent a) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", a.id());
    out.put("hostname", a.hostname());
    out.put("url", sim.agentUrl(a));
    out.put("removed", a.isRemoved());
    out.put("up", a.listening());
    return out;
  }

  public static Map<String, Object> fault(FaultRecord r) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", r.id());
    out.put("kind", r.kind().name());
    out.put("target", r.target());
    out.put("nodes", r.nodes());
    out.put("params", r.params());
    out.put("startedAt", r.startedAt().toString());
    out.put("plannedEnd", r.plannedEnd() == null ? null : r.plannedEnd().toString());
    out.put("endedAt", r.endedAt() == null ? null : r.endedAt().toString());
    out.put("active", r.active());
    out.put("detail", r.detail());
    return out;
  }

  private static void send(HttpExchange ex, int status, Object body) throws IOException {
    byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(body);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }
}
