package dev.mesoshealth.service;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * A service's HTTP port: its API routes plus {@code /health/live}, {@code /health/ready} and {@code
 * /metrics} (Prometheus text), and optionally long-lived streams (server-sent events) that take
 * over their exchange. With authentication configured ({@link HttpAuth}), every route but liveness
 * needs it. No CORS headers are sent. Bad requests get a JSON error and a 4xx, never a stack trace.
 */
public final class AdminServer implements AutoCloseable {
  static {
    // The JDK server writes the headers and the body of an answer separately; with Nagle on, the
    // body waits for the client's delayed ACK (40 ms on Linux) and every request takes 40 ms. Read
    // once when the server's configuration class loads, so it is set before the first server.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private static final int MAX_URI = 8 * 1024;
  private static final int MAX_BODY = 1024 * 1024;

  private final HttpServer server;
  private final ExecutorService executor;
  private final HttpApi api;
  private final HttpAuth auth;
  private final Map<String, StreamHandler> streams;
  private final BooleanSupplier ready;
  private final PrometheusRegistry registry;

  /** Serves a long-lived response (an event stream); it owns the exchange and closes it. */
  public interface StreamHandler {
    void open(HttpExchange exchange) throws IOException;
  }

  private AdminServer(
      HttpServer server,
      HttpApi api,
      HttpAuth auth,
      Map<String, StreamHandler> streams,
      BooleanSupplier ready,
      PrometheusRegistry registry,
      int threads) {
    this.server = server;
    this.api = api;
    this.auth = auth;
    this.streams = Map.copyOf(streams);
    this.ready = ready;
    this.registry = registry;
    AtomicInteger n = new AtomicInteger();
    this.executor =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t =
                  new Thread(
                      r, "http-" + server.getAddress().getPort() + "-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /**
   * Starts serving.
   *
   * @param token bearer token required on every route but liveness; null or empty for none
   * @param ready answers /health/ready
   */
  public static AdminServer start(
      String host,
      int port,
      HttpApi api,
      String token,
      BooleanSupplier ready,
      PrometheusRegistry registry,
      int threads) {
    return start(host, port, api, HttpAuth.bearer(token), Map.of(), ready, registry, threads);
  }

  /**
   * Starts serving, with streams: each path in {@code streams} is handed its exchange (after the
   * authentication check) and holds one of the {@code threads} only while it sets up.
   */
  public static AdminServer start(
      String host,
      int port,
      HttpApi api,
      HttpAuth auth,
      Map<String, StreamHandler> streams,
      BooleanSupplier ready,
      PrometheusRegistry registry,
      int threads) {
    return start(listen(host, port), api, auth, streams, ready, registry, threads);
  }

  /**
   * A bound socket not served yet: a service that must name its own port before it can build what
   * it serves (port 0: any free one) binds first and passes the port on, instead of picking a free
   * port and binding it later, when another process may have taken it.
   */
  public record Listener(HttpServer server) {
    public int port() {
      return server.getAddress().getPort();
    }
  }

  /** Binds {@code host:port} (0: any free port) without serving yet. */
  public static Listener listen(String host, int port) {
    try {
      return new Listener(HttpServer.create(new InetSocketAddress(host, port), 128));
    } catch (IOException e) {
      throw new ConfigException(
          "cannot listen on "
              + host
              + ":"
              + port
              + " ("
              + e.getMessage()
              + "); is the port in use?");
    }
  }

  /** Starts serving on a socket bound by {@link #listen}. */
  public static AdminServer start(
      Listener listener,
      HttpApi api,
      HttpAuth auth,
      Map<String, StreamHandler> streams,
      BooleanSupplier ready,
      PrometheusRegistry registry,
      int threads) {
    return new AdminServer(listener.server(), api, auth, streams, ready, registry, threads);
  }

  public int port() {
    return server.getAddress().getPort();
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
    StreamHandler stream = streams.get(ex.getRequestURI().getRawPath());
    if (stream != null
        && ex.getRequestMethod().equals("GET")
        && auth.allows(ex.getRequestHeaders().getFirst("Authorization"))) {
      stream.open(ex);
      return;
    }
    try (ex) {
      HttpApi.Response response = respond(ex);
      send(ex, response);
    }
  }

  private HttpApi.Response respond(HttpExchange ex) throws IOException {
    String rawUri = ex.getRequestURI().toString();
    if (rawUri.length() > MAX_URI) {
      return HttpApi.error(414, "request URI longer than " + MAX_URI + " characters");
    }
    String path = ex.getRequestURI().getRawPath();
    String method = ex.getRequestMethod();
    if (path.equals("/health/live")) {
      return HttpApi.Response.json(Map.of("status", "UP"));
    }
    if (!auth.allows(ex.getRequestHeaders().getFirst("Authorization"))) {
      return HttpApi.error(401, auth.refusal()).withHeader("WWW-Authenticate", auth.challenge());
    }
    if (path.equals("/health/ready")) {
      boolean ok = ready.getAsBoolean();
      return HttpApi.Response.json(ok ? 200 : 503, Map.of("status", ok ? "READY" : "NOT_READY"));
    }
    if (path.equals("/metrics") && registry != null) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
      writer.write(out, registry.scrape());
      return new HttpApi.Response(200, writer.getContentType(), out.toByteArray(), Map.of());
    }
    Map<String, String> query;
    try {
      query = parseQuery(ex.getRequestURI().getRawQuery());
    } catch (IllegalArgumentException e) {
      return HttpApi.error(400, "malformed query string: " + e.getMessage());
    }
    byte[] body;
    try (InputStream in = ex.getRequestBody()) {
      body = in.readNBytes(MAX_BODY + 1);
    }
    if (body.length > MAX_BODY) {
      return HttpApi.error(413, "request body over " + MAX_BODY + " bytes");
    }
    return api.dispatch(method, path, query, ex.getRequestHeaders(), body);
  }

  static Map<String, String> parseQuery(String raw) {
    Map<String, String> query = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return query;
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value =
          eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      query.putIfAbsent(key, value);
    }
    return query;
  }

  private static void send(HttpExchange ex, HttpApi.Response r) throws IOException {
    ex.getResponseHeaders().set("Content-Type", r.contentType());
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    for (Map.Entry<String, String> h : r.headers().entrySet()) {
      ex.getResponseHeaders().set(h.getKey(), h.getValue());
    }
    boolean head = ex.getRequestMethod().equals("HEAD");
    ex.sendResponseHeaders(r.status(), head || r.body().length == 0 ? -1 : r.body().length);
    if (!head && r.body().length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(r.body());
      }
    }
  }

  /** Routes an API serves, for docs and tests. */
  public List<String> routes() {
    return api.patterns();
  }
}
