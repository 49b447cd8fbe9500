package dev.mesoshealth.updaters.alerts;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * One JSON POST with a deadline and, when given, an Authorization header; an answer outside 2xx is
 * an IOException naming {@code who}.
 */
final class JsonPost {
  private JsonPost() {}

  static void send(
      HttpClient http, URI url, String authorization, Duration timeout, String body, String who)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(url)
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    HttpResponse<String> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (answer.statusCode() / 100 != 2) {
      throw new IOException(who + " answered HTTP " + answer.statusCode() + " " + answer.body());
    }
  }
}
