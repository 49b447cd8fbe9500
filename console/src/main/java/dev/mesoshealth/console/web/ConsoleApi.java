package dev.mesoshealth.console.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mesoshealth.console.model.ConsoleModel;
import dev.mesoshealth.console.model.ConsoleViews;
import dev.mesoshealth.service.HttpApi;
import dev.mesoshealth.service.HttpApi.ApiException;
import dev.mesoshealth.service.HttpApi.Request;
import dev.mesoshealth.service.HttpApi.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The console's pages and JSON: the page and its assets (bundled in the jar, nothing from the
 * network), the full view, one node's detail with its history from the processor.
 */
public final class ConsoleApi {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.:@\\-]{1,256}");
  private static final Map<String, String> ASSETS =
      Map.of(
          "/", "index.html",
          "/app.js", "app.js",
          "/app.css", "app.css");

  private final ConsoleModel model;
  private final Object lock;
  private final URI processor;
  private final String processorToken;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final Map<String, byte[]> assets = new LinkedHashMap<>();

  public ConsoleApi(ConsoleModel model, Object lock, URI processor, String processorToken) {
    this.model = model;
    this.lock = lock;
    this.processor = processor;
    this.processorToken = processorToken;
    ASSETS.forEach((path, file) -> assets.put(path, load(file)));
  }

  public HttpApi routes() {
    HttpApi api = new HttpApi();
    for (String path : ASSETS.keySet()) {
      api.get(path, r -> asset(path));
    }
    return api.get("/api/state", r -> state())
        .get("/api/nodes/{id}", this::node)
        .get("/api/nodes/{id}/history", this::history);
  }

  private Response asset(String path) {
    String type =
        path.endsWith(".js")
            ? "text/javascript; charset=utf-8"
            : path.endsWith(".css") ? "text/css; charset=utf-8" : "text/html; charset=utf-8";
    return new Response(200, type, assets.get(path), Map.of("X-Content-Type-Options", "nosniff"));
  }

  private Response state() {
    synchronized (lock) {
      return Response.json(model.fullView());
    }
  }

  private Response node(Request r) {
    String id = id(r);
    ConsoleViews.NodeDetail detail;
    synchronized (lock) {
      detail = model.nodeDetail(id);
    }
    if (detail == null) {
      throw new ApiException(404, "no node '" + id + "'");
    }
    return Response.json(detail);
  }

  /** The node's last hour from the processor, one summary per minute. */
  private Response history(Request r) {
    String id = id(r);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                processor.resolve(
                    "/v1/nodes/"
                        + URLEncoder.encode(id, StandardCharsets.UTF_8)
                        + "/history?from=1h"))
            .timeout(Duration.ofSeconds(5));
    if (processorToken != null && !processorToken.isEmpty()) {
      request.header("Authorization", "Bearer " + processorToken);
    }
    try {
      HttpResponse<byte[]> answer =
          http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      if (answer.statusCode() != 200) {
        JsonNode body = HttpApi.JSON.readTree(answer.body());
        throw new ApiException(
            502,
            "the processor answered " + answer.statusCode() + ": " + body.path("error").asText());
      }
      return new Response(200, "application/json", answer.body(), Map.of());
    } catch (IOException e) {
      throw new ApiException(502, "the processor at " + processor + " does not answer: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(503, "shutting down");
    }
  }

  private static String id(Request r) {
    String id = r.param("id");
    if (!ID.matcher(id).matches()) {
      throw new ApiException(400, "malformed node id");
    }
    return id;
  }

  private static byte[] load(String file) {
    try (InputStream in = ConsoleApi.class.getResourceAsStream(file)) {
      if (in == null) {
        throw new IllegalStateException("console asset " + file + " is missing from the jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
