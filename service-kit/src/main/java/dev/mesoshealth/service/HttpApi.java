package dev.mesoshealth.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small router for JSON APIs: routes are method + path pattern ({@code /v1/nodes/{id}/health});
 * handlers get path parameters and the query and return a {@link Response}. Errors are JSON bodies
 * {@code {"error": "...", "status": n}}: unknown paths 404, wrong methods 405, {@link
 * ApiException}s their status, anything else 500 without internals.
 */
public final class HttpApi {
  public static final ObjectMapper JSON =
      new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  /** Handles one request. */
  public interface Handler {
    Response handle(Request request) throws Exception;
  }

  /** A request as handlers see it. */
  public record Request(
      String method,
      String path,
      Map<String, String> pathParams,
      Map<String, String> query,
      Map<String, List<String>> headers,
      byte[] body) {

    public String param(String name) {
      return pathParams.get(name);
    }

    /** A query parameter, or null. */
    public String query(String name) {
      return query.get(name);
    }

    public String header(String name) {
      for (Map.Entry<String, List<String>> h : headers.entrySet()) {
        if (h.getKey().equalsIgnoreCase(name) && !h.getValue().isEmpty()) {
          return h.getValue().get(0);
        }
      }
      return null;
    }
  }

  /** A response; {@link #json} for the usual case. */
  public record Response(int status, String contentType, byte[] body, Map<String, String> headers) {
    public static Response json(int status, Object body) {
      try {
        return new Response(status, "application/json", JSON.writeValueAsBytes(body), Map.of());
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalStateException("cannot render JSON: " + e.getMessage(), e);
      }
    }

    public static Response json(Object body) {
      return json(200, body);
    }

    public static Response text(int status, String contentType, String body) {
      return new Response(status, contentType, body.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    public Response withHeader(String name, String value) {
      Map<String, String> h = new LinkedHashMap<>(headers);
      h.put(name, value);
      return new Response(status, contentType, body, h);
    }
  }

  /** An error for the client: its status and a message safe to show. */
  public static final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final transient Map<String, String> headers;

    public ApiException(int status, String message) {
      this(status, message, Map.of());
    }

    public ApiException(int status, String message, Map<String, String> headers) {
      super(message);
      this.status = status;
      this.headers = Map.copyOf(headers);
    }

    public int status() {
      return status;
    }

    public Map<String, String> headers() {
      return headers;
    }
  }

  private record Route(String method, String[] segments, Handler handler) {}

  private final List<Route> routes = new ArrayList<>();

  public HttpApi get(String pattern, Handler handler) {
    return route("GET", pattern, handler);
  }

  public HttpApi route(String method, String pattern, Handler handler) {
    routes.add(new Route(method, split(pattern), handler));
    return this;
  }

  /** Patterns registered, for listing. */
  public List<String> patterns() {
    return routes.stream().map(r -> r.method + " /" + String.join("/", r.segments)).toList();
  }

  /** Finds the route and runs it; never throws. */
  public Response dispatch(
      String method,
      String path,
      Map<String, String> query,
      Map<String, List<String>> headers,
      byte[] body) {
    String[] parts = split(path);
    boolean pathMatched = false;
    for (Route route : routes) {
      Map<String, String> params = match(route.segments, parts);
      if (params == null) {
        continue;
      }
      pathMatched = true;
      if (!route.method.equals(method) && !(method.equals("HEAD") && route.method.equals("GET"))) {
        continue;
      }
      try {
        return route.handler.handle(new Request(method, path, params, query, headers, body));
      } catch (ApiException e) {
        Response r = error(e.status(), e.getMessage());
        for (Map.Entry<String, String> h : e.headers().entrySet()) {
          r = r.withHeader(h.getKey(), h.getValue());
        }
        return r;
      } catch (Exception e) {
        org.slf4j.LoggerFactory.getLogger(HttpApi.class)
            .warn("{} {} failed: {}", method, path, e.toString());
        return error(500, "internal error; see the service log");
      }
    }
    return pathMatched
        ? error(405, "method " + method + " is not allowed on " + path)
        : error(404, "no such resource: " + path);
  }

  public static Response error(int status, String message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", message);
    body.put("status", status);
    return Response.json(status, body);
  }

  private static String[] split(String path) {
    String p = path.startsWith("/") ? path.substring(1) : path;
    if (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p.isEmpty() ? new String[0] : p.split("/", -1);
  }

  private static Map<String, String> match(String[] pattern, String[] parts) {
    if (pattern.length != parts.length) {
      return null;
    }
    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 0; i < pattern.length; i++) {
      String seg = pattern[i];
      if (seg.startsWith("{") && seg.endsWith("}")) {
        String value = java.net.URLDecoder.decode(parts[i], StandardCharsets.UTF_8);
        if (value.isEmpty()) {
          return null;
        }
        params.put(seg.substring(1, seg.length() - 1), value);
      } else if (!seg.equals(parts[i])) {
        return null;
      }
    }
    return params;
  }
}
