package dev.mesoshealth.updaters.alerts;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mesoshealth.broker.EmbeddedKafkaBroker;
import dev.mesoshealth.service.HttpApi;
import dev.mesoshealth.testkit.Prerequisites;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real Prometheus Alertmanager (Debian's prometheus-alertmanager) started by a test, alone (no
 * cluster gossip), with one route to the given receiver.
 */
public final class AlertmanagerProcess implements AutoCloseable {
  private final HttpClient http = HttpClient.newHttpClient();
  private final String url;
  private final Process process;

  /**
   * @param receiver the receiver named {@code main}, as YAML lines under {@code receivers:}, e.g. a
   *     webhook; null: one that sends nowhere
   */
  public AlertmanagerProcess(Path dir, String receiver) throws IOException {
    Path binary =
        Prerequisites.executable(
            "prometheus-alertmanager", "/usr/bin/prometheus-alertmanager", "/usr/bin/alertmanager");
    int port = EmbeddedKafkaBroker.freePort();
    url = "http://127.0.0.1:" + port;
    Files.writeString(
        dir.resolve("alertmanager.yml"),
        String.join(
            "\n",
            "route:",
            "  receiver: main",
            "  group_by: [alertname, node]",
            "  group_wait: 1s",
            "  group_interval: 1s",
            "  repeat_interval: 1h",
            "receivers:",
            "  - name: main",
            receiver == null ? "" : receiver,
            ""));
    process =
        new ProcessBuilder(
                binary.toString(),
                "--config.file=" + dir.resolve("alertmanager.yml"),
                "--storage.path=" + dir.resolve("alertmanager-data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--cluster.listen-address=")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("alertmanager.log").toFile())
            .start();
    await("Alertmanager ready")
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .until(
            () ->
                http.send(
                            HttpRequest.newBuilder(URI.create(url + "/-/ready")).build(),
                            HttpResponse.BodyHandlers.discarding())
                        .statusCode()
                    == 200);
  }

  public String url() {
    return url;
  }

  /** Every alert Alertmanager holds. */
  public JsonNode alerts() throws Exception {
    return HttpApi.JSON.readTree(
        http.send(
                HttpRequest.newBuilder(URI.create(url + "/api/v2/alerts")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body());
  }

  /** The active alerts, each as "alertname node" (or "alertname cluster" without a node). */
  public List<String> active() throws Exception {
    List<String> out = new ArrayList<>();
    for (JsonNode a : alerts()) {
      if (a.path("status").path("state").asText().equals("active")) {
        JsonNode l = a.path("labels");
        out.add(
            l.path("alertname").asText()
                + " "
                + l.path("node").asText(l.path("app").asText(l.path("cluster").asText())));
      }
    }
    return out;
  }

  @Override
  public void close() {
    process.destroy();
    await("Alertmanager stopped").atMost(Duration.ofSeconds(10)).until(() -> !process.isAlive());
  }
}
