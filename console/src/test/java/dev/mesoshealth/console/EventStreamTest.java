package dev.mesoshealth.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mesoshealth.console.model.ConsoleModel;
import dev.mesoshealth.console.web.EventStream;
import dev.mesoshealth.service.AdminServer;
import dev.mesoshealth.service.HttpApi;
import dev.mesoshealth.service.HttpAuth;
import dev.mesoshealth.testkit.SampleEvents;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The live event stream over real HTTP: a browser that connects while the console is still reading
 * the topics gets its first view only once the feed has caught up, and then all of it; without
 * Kafka it gets what there is, told that the view is not live.
 */
@Timeout(20) // a stream that never sends fails the test instead of hanging it
class EventStreamTest {
  private final ConsoleModel model = new ConsoleModel(10, 5);
  private final Object lock = new Object();
  private final AtomicBoolean caughtUp = new AtomicBoolean();
  private final AtomicBoolean kafkaReachable = new AtomicBoolean(true);
  private EventStream events;
  private AdminServer server;
  private BufferedReader browser;

  @BeforeEach
  void serve() {
    events =
        new EventStream(
            model,
            lock,
            kafkaReachable::get,
            () -> Instant.parse("2026-01-01T00:00:00Z"),
            caughtUp::get,
            10,
            Duration.ofMillis(20),
            new PrometheusRegistry());
    server =
        AdminServer.start(
            "127.0.0.1",
            0,
            new HttpApi(),
            HttpAuth.NONE,
            Map.of("/events", events),
            () -> true,
            null,
            2);
  }

  @AfterEach
  void close() throws Exception {
    if (browser != null) {
      browser.close();
    }
    server.close();
    events.close();
  }

  private void connect() throws Exception {
    HttpResponse<InputStream> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(server.url() + "/events")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.statusCode()).isEqualTo(200);
    browser = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8));
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> events.clients() == 1);
  }

  /** The next event's name and data; comments are skipped, as a browser does. */
  private Map.Entry<String, JsonNode> next() throws Exception {
    String name = null;
    for (String line = browser.readLine(); line != null; line = browser.readLine()) {
      if (line.startsWith("event: ")) {
        name = line.substring("event: ".length());
      } else if (line.startsWith("data: ") && name != null) {
        return Map.entry(name, HttpApi.JSON.readTree(line.substring("data: ".length())));
      }
    }
    throw new AssertionError("the stream ended");
  }

  private void read(String agent) {
    synchronized (lock) {
      model.health(agent, SampleEvents.healthState(agent), SampleEvents.AT);
    }
  }

  @Test
  void aBrowserThatConnectsBeforeTheFeedCaughtUpGetsTheWholeViewFirst() throws Exception {
    read("S1"); // the feed is half way through the topics
    connect();
    read("S2");
    read("S3");
    caughtUp.set(true);

    Map.Entry<String, JsonNode> first = next();
    assertThat(first.getKey())
        .as("nothing before the view, no half-read one")
        .isEqualTo("snapshot");
    assertThat(first.getValue().path("nodes").findValuesAsText("id"))
        .containsExactly("S1", "S2", "S3");
    assertThat(next().getKey()).isEqualTo("feed");

    read("S4");
    Map.Entry<String, JsonNode> delta = next();
    assertThat(delta.getKey()).isEqualTo("delta");
    assertThat(delta.getValue().path("nodes").findValuesAsText("id")).containsExactly("S4");
  }

  @Test
  void withoutKafkaAWaitingBrowserGetsWhatThereIsAndIsToldItIsNotLive() throws Exception {
    read("S1");
    connect();
    kafkaReachable.set(false);

    Map.Entry<String, JsonNode> first = next();
    assertThat(first.getKey()).isEqualTo("snapshot");
    assertThat(first.getValue().path("nodes").findValuesAsText("id")).containsExactly("S1");
    Map.Entry<String, JsonNode> feed = next();
    assertThat(feed.getKey()).isEqualTo("feed");
    assertThat(feed.getValue().path("kafkaReachable").asBoolean()).isFalse();
  }
}
