package dev.mesoshealth.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AdminServerTest {
  private final HttpClient client = HttpClient.newHttpClient();
  private final AtomicBoolean ready = new AtomicBoolean(false);
  private AdminServer server;

  @BeforeEach
  void start() {
    PrometheusRegistry registry = new PrometheusRegistry();
    Counter.builder().name("things_total").help("Things.").register(registry).inc(3);
    HttpApi api =
        new HttpApi()
            .get(
                "/v1/nodes/{id}/health",
                r ->
                    HttpApi.Response.json(
                        Map.of("id", r.param("id"), "q", String.valueOf(r.query("x")))))
            .get(
                "/v1/boom",
                r -> {
                  throw new IllegalStateException("secret internals");
                })
            .get(
                "/v1/busy",
                r -> {
                  throw new HttpApi.ApiException(503, "rebalancing", Map.of("Retry-After", "2"));
                });
    server = AdminServer.start("127.0.0.1", 0, api, "t0ken", ready::get, registry, 2);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<String> call(String method, String path, String token) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(server.url() + path))
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void routesWithPathParametersAndQueries() throws Exception {
    HttpResponse<String> r = call("GET", "/v1/nodes/a%2Fb/health?x=1", "t0ken");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("\"id\":\"a/b\"").contains("\"q\":\"1\"");
    assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
  }

  @Test
  void livenessNeedsNoTokenButEverythingElseDoes() throws Exception {
    assertThat(call("GET", "/health/live", null).statusCode()).isEqualTo(200);
    HttpResponse<String> denied = call("GET", "/v1/nodes/x/health", null);
    assertThat(denied.statusCode()).isEqualTo(401);
    assertThat(denied.body()).contains("bearer token");
    assertThat(call("GET", "/v1/nodes/x/health", "wrong").statusCode()).isEqualTo(401);
    assertThat(call("GET", "/metrics", null).statusCode()).isEqualTo(401);
  }

  @Test
  void readinessFollowsTheSupplier() throws Exception {
    assertThat(call("GET", "/health/ready", "t0ken").statusCode()).isEqualTo(503);
    ready.set(true);
    assertThat(call("GET", "/health/ready", "t0ken").statusCode()).isEqualTo(200);
  }

  @Test
  void prometheusTextIsServed() throws Exception {
    HttpResponse<String> r = call("GET", "/metrics", "t0ken");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("things_total 3.0");
  }

  @Test
  void badRequestsGetJsonErrorsNever500ForBadInput() throws Exception {
    assertThat(call("GET", "/v1/nothing", "t0ken").statusCode()).isEqualTo(404);
    HttpResponse<String> wrongMethod = call("DELETE", "/v1/nodes/x/health", "t0ken");
    assertThat(wrongMethod.statusCode()).isEqualTo(405);
    assertThat(wrongMethod.body()).startsWith("{\"error\":");
    assertThat(call("GET", "/v1/nodes/x/health?" + "q=".repeat(5000), "t0ken").statusCode())
        .isEqualTo(414);
    HttpResponse<String> busy = call("GET", "/v1/busy", "t0ken");
    assertThat(busy.statusCode()).isEqualTo(503);
    assertThat(busy.headers().firstValue("Retry-After")).hasValue("2");
  }

  @Test
  void handlerFailuresAre500WithoutInternals() throws Exception {
    HttpResponse<String> r = call("GET", "/v1/boom", "t0ken");

    assertThat(r.statusCode()).isEqualTo(500);
    assertThat(r.body()).doesNotContain("secret internals");
  }
}
