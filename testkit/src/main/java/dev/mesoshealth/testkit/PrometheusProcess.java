package dev.mesoshealth.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mesoshealth.broker.EmbeddedKafkaBroker;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real Prometheus (Debian's prometheus) started by a test: it scrapes the given targets as the
 * job {@code mesos-health-processor} every second and evaluates the given rule file every second.
 */
public final class PrometheusProcess implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http = HttpClient.newHttpClient();
  private final String url;
  private final Process process;

  /**
   * @param targets host:port of each processor to scrape
   * @param rules an alert rule file, or null
   */
  public PrometheusProcess(Path dir, List<String> targets, Path rules) throws IOException {
    Path binary = Prerequisites.executable("prometheus", "/usr/bin/prometheus");
    int port = EmbeddedKafkaBroker.freePort();
    url = "http://127.0.0.1:" + port;
    List<String> quoted = targets.stream().map(t -> "'" + t + "'").toList();
    Files.writeString(
        dir.resolve("prometheus.yml"),
        String.join(
            "\n",
            "global: {scrape_interval: 1s, evaluation_interval: 1s}",
            rules == null ? "" : "rule_files: ['" + rules.toAbsolutePath() + "']",
            "scrape_configs:",
            "  - job_name: mesos-health-processor",
            "    static_configs: [{targets: [" + String.join(", ", quoted) + "]}]",
            ""));
    process =
        new ProcessBuilder(
                binary.toString(),
                "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("prometheus-data"),
                "--web.listen-address=127.0.0.1:" + port)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("prometheus.log").toFile())
            .start();
  }

  public String url() {
    return url;
  }

  /** The answer of {@code GET /api/v1/<path>}. */
  public JsonNode api(String path) throws Exception {
    return JSON.readTree(
        http.send(
                HttpRequest.newBuilder(URI.create(url + "/api/v1/" + path)).build(),
                HttpResponse.BodyHandlers.ofString())
            .body());
  }

  /** An instant query's answer. */
  public JsonNode query(String expr) throws Exception {
    return api("query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8));
  }

  /** The firing alerts, each as "alertname node". */
  public List<String> firing() throws Exception {
    List<String> out = new ArrayList<>();
    for (JsonNode a : api("alerts").path("data").path("alerts")) {
      if (a.path("state").asText().equals("firing")) {
        out.add(
            a.path("labels").path("alertname").asText()
                + " "
                + a.path("labels").path("node").asText());
      }
    }
    return out;
  }

  @Override
  public void close() throws IOException {
    process.destroy();
    try {
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** How long a first scrape and rule evaluation take, at most, on a loaded machine. */
  public static final Duration READY = Duration.ofSeconds(60);
}
