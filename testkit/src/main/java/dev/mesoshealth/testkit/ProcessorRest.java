package dev.mesoshealth.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** GETs JSON from a processor's REST API, as an operator's script would. */
public final class ProcessorRest {
  public static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private ProcessorRest() {}

  public record Answer(int status, JsonNode body, HttpResponse<String> raw) {}

  public static Answer get(String url) {
    return get(url, null);
  }

  /** With {@code Authorization: Bearer token} when the token is not null. */
  public static Answer get(String url, String token) {
    try {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
      if (token != null) {
        request.header("Authorization", "Bearer " + token);
      }
      HttpResponse<String> r = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
      JsonNode body = r.body().isEmpty() ? null : JSON.readTree(r.body());
      return new Answer(r.statusCode(), body, r);
    } catch (IOException e) {
      return new Answer(-1, null, null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer(-1, null, null);
    }
  }

  /** POSTs a JSON body (to a simulated master's maintenance endpoints); the status. */
  public static int post(String url, String json) {
    try {
      return CLIENT
          .send(
              HttpRequest.newBuilder(URI.create(url))
                  .timeout(Duration.ofSeconds(10))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(json))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** The state field of a node's health, or null when not answered with 200. */
  public static String state(String api, String nodeId) {
    return state(api, nodeId, null);
  }

  public static String state(String api, String nodeId, String token) {
    Answer a =
        get(
            api
                + "/v1/nodes/"
                + java.net.URLEncoder.encode(nodeId, java.nio.charset.StandardCharsets.UTF_8)
                + "/health",
            token);
    return a.status() == 200 ? a.body().get("state").asText() : null;
  }
}
