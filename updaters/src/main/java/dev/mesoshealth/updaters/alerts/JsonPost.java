package dev.mesoshealth.updaters.alerts;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** One JSON POST with a deadline; an answer outside 2xx is an IOException naming {@code who}. */
final class JsonPost {
  private JsonPost() {}

  static void send(HttpClient http, URI url, Duration timeout, String body, String who)
      throws IOException, InterruptedException {
    HttpResponse<String> answer =
        http.send(
            HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (answer.statusCode() / 100 != 2) {
      throw new IOException(who + " answered HTTP " + answer.statusCode() + " " + answer.body());
    }
  }
}
