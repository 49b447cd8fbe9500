package dev.mesoshealth.processor.query;

import static dev.mesoshealth.processor.topology.TopologyHarness.t;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mesoshealth.broker.EmbeddedKafkaBroker;
import dev.mesoshealth.processor.topology.TopologyHarness;
import dev.mesoshealth.service.AdminServer;
import dev.mesoshealth.service.HttpApi;
import dev.mesoshealth.testkit.Prerequisites;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus scraping the processor's health series (over stores filled by the real
 * topology) with the shipped alert rules: an unreachable agent fires its alert in Prometheus, and
 * every expression of the shipped Grafana dashboard runs there and returns data.
 */
class PrometheusScrapeIT {
  private static final Path REPO = Path.of("..");
  private final HttpClient http = HttpClient.newHttpClient();

  @TempDir Path dir;

  private JsonNode get(String url) throws Exception {
    return HttpApi.JSON.readTree(
        http.send(
                HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString())
            .body());
  }

  @Test
  void anUnreachableAgentFiresItsAlertAndEveryDashboardExpressionReturnsData() throws Exception {
    Path prometheus = Prerequisites.executable("prometheus", "/usr/bin/prometheus");
    try (TopologyHarness topology = new TopologyHarness()) {
      TwelveMinutes.feed(topology);
      PrometheusRegistry registry = new PrometheusRegistry();
      HealthSeries.register(
          new DriverStreams(topology.driver, new HostInfo("127.0.0.1", 1)),
          registry,
          Clock.fixed(t(720), ZoneOffset.UTC));
      try (AdminServer processor =
          AdminServer.start("127.0.0.1", 0, new HttpApi(), "", () -> true, registry, 2)) {
        int port = EmbeddedKafkaBroker.freePort();
        Files.writeString(
            dir.resolve("prometheus.yml"),
            String.join(
                "\n",
                "global: {scrape_interval: 1s, evaluation_interval: 1s}",
                "rule_files: ['"
                    + REPO.resolve("deploy/prometheus/alerts.yml").toAbsolutePath()
                    + "']",
                "scrape_configs:",
                "  - job_name: mesos-health-processor",
                "    static_configs: [{targets: ['127.0.0.1:" + processor.port() + "']}]",
                ""));
        Process server =
            new ProcessBuilder(
                    prometheus.toString(),
                    "--config.file=" + dir.resolve("prometheus.yml"),
                    "--storage.tsdb.path=" + dir.resolve("data"),
                    "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("prometheus.log").toFile())
                .start();
        try {
          String api = "http://127.0.0.1:" + port + "/api/v1/";
          await("the unreachable agent's alert fires in Prometheus")
              .atMost(Duration.ofSeconds(60))
              .ignoreExceptions()
              .until(
                  () -> {
                    for (JsonNode a : get(api + "alerts").path("data").path("alerts")) {
                      if (a.path("labels")
                              .path("alertname")
                              .asText()
                              .equals("MesosAgentUnreachable")
                          && a.path("labels").path("node").asText().equals("a3")
                          && a.path("state").asText().equals("firing")) {
                        return true;
                      }
                    }
                    return false;
                  });
          List<String> empty = new ArrayList<>();
          JsonNode dashboard =
              HttpApi.JSON.readTree(REPO.resolve("deploy/grafana/mesos-health.json").toFile());
          for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
              String expr = target.path("expr").asText().replace("$cluster", ".*");
              JsonNode answer =
                  get(api + "query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8));
              assertThat(answer.path("status").asText())
                  .as("%s: %s", panel.path("title").asText(), answer)
                  .isEqualTo("success");
              if (answer.path("data").path("result").isEmpty()) {
                empty.add(panel.path("title").asText() + ": " + expr);
              }
            }
          }
          assertThat(empty).as("dashboard expressions without data").isEmpty();
        } finally {
          server.destroy();
          server.waitFor();
        }
      }
    }
  }
}
