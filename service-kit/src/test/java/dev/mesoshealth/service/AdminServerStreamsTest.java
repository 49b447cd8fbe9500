package dev.mesoshealth.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Basic authentication (for browsers) and streams that take over their exchange. */
class AdminServerStreamsTest {
  private final HttpClient client = HttpClient.newHttpClient();
  private AdminServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static String basic(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  private HttpResponse<String> get(String path, String authorization) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void basicAuthChallengesBrowsersAndLetsTheRightUserIn() throws Exception {
    HttpApi api = new HttpApi().get("/", r -> HttpApi.Response.json(Map.of("ok", true)));
    server =
        AdminServer.start(
            "127.0.0.1", 0, api, HttpAuth.basic("ops", "s3cret"), Map.of(), () -> true, null, 2);

    HttpResponse<String> denied = get("/", null);
    assertThat(denied.statusCode()).isEqualTo(401);
    assertThat(denied.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("Basic realm="));
    assertThat(denied.body()).contains("user name or password").doesNotContain("s3cret");
    assertThat(get("/", basic("ops", "wrong")).statusCode()).isEqualTo(401);
    assertThat(get("/", "Bearer s3cret").statusCode()).isEqualTo(401);
    assertThat(get("/", basic("ops", "s3cret")).statusCode()).isEqualTo(200);
    assertThat(HttpAuth.basic("ops", "s3cret").toString()).isEqualTo("basic");
  }

  @Test
  void aStreamOwnsItsExchangeAndIsGuardedLikeEverythingElse() throws Exception {
    AdminServer.StreamHandler ticks =
        ex -> {
          ex.getResponseHeaders().set("Content-Type", "text/event-stream");
          ex.sendResponseHeaders(200, 0);
          // written from another thread after the handler returned: the exchange stays open
          new Thread(
                  () -> {
                    try (ex;
                        OutputStream out = ex.getResponseBody()) {
                      for (int i = 1; i <= 3; i++) {
                        out.write(("data: " + i + "\n\n").getBytes(StandardCharsets.UTF_8));
                        out.flush();
                      }
                    } catch (java.io.IOException e) {
                      // client went away
                    }
                  })
              .start();
        };
    server =
        AdminServer.start(
            "127.0.0.1",
            0,
            new HttpApi(),
            HttpAuth.bearer("t"),
            Map.of("/events", ticks),
            () -> true,
            null,
            1);

    assertThat(get("/events", null).statusCode()).isEqualTo(401);
    HttpResponse<java.io.InputStream> stream =
        client.send(
            HttpRequest.newBuilder(URI.create(server.url() + "/events"))
                .header("Authorization", "Bearer t")
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(stream.statusCode()).isEqualTo(200);
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
      assertThat(r.lines().filter(l -> l.startsWith("data:")).toList())
          .containsExactly("data: 1", "data: 2", "data: 3");
    }
    // the single HTTP thread was not kept by the stream
    assertThat(get("/health/ready", "Bearer t").statusCode()).isEqualTo(200);
  }
}
