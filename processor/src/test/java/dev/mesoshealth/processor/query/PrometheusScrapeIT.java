package dev.mesoshealth.processor.query;

import static dev.mesoshealth.processor.topology.TopologyHarness.t;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mesoshealth.processor.topology.TopologyHarness;
import dev.mesoshealth.service.AdminServer;
import dev.mesoshealth.service.HttpApi;
import dev.mesoshealth.testkit.PrometheusProcess;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Clock;
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

  @TempDir Path dir;

  @Test
  void anUnreachableAgentFiresItsAlertAndEveryDashboardExpressionReturnsData() throws Exception {
    try (TopologyHarness topology = new TopologyHarness()) {
      TwelveMinutes.feed(topology);
      PrometheusRegistry registry = new PrometheusRegistry();
      HealthSeries.register(
          new DriverStreams(topology.driver, new HostInfo("127.0.0.1", 1)),
          registry,
          Clock.fixed(t(720), ZoneOffset.UTC));
      try (AdminServer processor =
              AdminServer.start("127.0.0.1", 0, new HttpApi(), "", () -> true, registry, 2);
          PrometheusProcess prometheus =
              new PrometheusProcess(
                  dir,
                  List.of("127.0.0.1:" + processor.port()),
                  REPO.resolve("deploy/prometheus/alerts.yml"))) {
        await("the unreachable agent's alert fires in Prometheus")
            .atMost(PrometheusProcess.READY)
            .ignoreExceptions()
            .until(() -> prometheus.firing().contains("MesosAgentUnreachable a3"));
        List<String> empty = new ArrayList<>();
        JsonNode dashboard =
            HttpApi.JSON.readTree(REPO.resolve("deploy/grafana/mesos-health.json").toFile());
        for (JsonNode panel : dashboard.path("panels")) {
          for (JsonNode target : panel.path("targets")) {
            String expr = target.path("expr").asText().replace("$cluster", ".*");
            JsonNode answer = prometheus.query(expr);
            assertThat(answer.path("status").asText())
                .as("%s: %s", panel.path("title").asText(), answer)
                .isEqualTo("success");
            if (answer.path("data").path("result").isEmpty()) {
              empty.add(panel.path("title").asText() + ": " + expr);
            }
          }
        }
        assertThat(empty).as("dashboard expressions without data").isEmpty();
      }
    }
  }
}
