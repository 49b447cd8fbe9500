package dev.mesoshealth.processor.query;

import static dev.mesoshealth.processor.topology.TopologyHarness.t;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mesoshealth.processor.topology.TopologyHarness;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The health series over stores filled by the real topology, as a Prometheus scrape sees them. */
class HealthSeriesTest {
  private final TopologyHarness topology = new TopologyHarness();

  @AfterEach
  void close() {
    topology.close();
  }

  private List<String> scrape(PrometheusRegistry registry) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(out, registry.scrape());
    return Arrays.stream(out.toString(StandardCharsets.UTF_8).split("\n"))
        .filter(l -> l.startsWith("mesos_health_"))
        .toList();
  }

  @Test
  void oneSeriesPerNodeInItsCurrentStateAndTheClusterEndpointsAndCapacity() throws Exception {
    TwelveMinutes.feed(topology);
    PrometheusRegistry registry = new PrometheusRegistry();
    HealthSeries.register(
        new DriverStreams(topology.driver, new HostInfo("127.0.0.1", 1)),
        registry,
        Clock.fixed(t(720), ZoneOffset.UTC));

    List<String> series = scrape(registry);

    assertThat(series.stream().filter(l -> l.startsWith("mesos_health_node_state{")))
        .as("one per node: four agents, three masters")
        .hasSize(7)
        .contains(
            "mesos_health_node_state{cluster=\"prod\",node=\"a3\",role=\"AGENT\",state=\"UNREACHABLE\"} 1.0",
            "mesos_health_node_state{cluster=\"prod\",node=\"a1\",role=\"AGENT\",state=\"HEALTHY\"} 1.0");
    assertThat(series)
        .contains(
            "mesos_health_cluster_agents{cluster=\"prod\",state=\"HEALTHY\"} 3.0",
            "mesos_health_cluster_agents{cluster=\"prod\",state=\"UNREACHABLE\"} 1.0",
            "mesos_health_endpoints{app=\"/web/frontend\",cluster=\"prod\",status=\"UP\"} 1.0");
    assertThat(series.stream().filter(l -> l.startsWith("mesos_health_cluster_state{")))
        .singleElement()
        .asString()
        .startsWith("mesos_health_cluster_state{cluster=\"prod\",state=");
    assertThat(series)
        .anyMatch(
            l ->
                l.startsWith(
                    "mesos_health_capacity_used_ratio{cluster=\"prod\",group=\"prod\",kind=\"CLUSTER\",resource=\"cpus\"}"));
    assertThat(series)
        .as("cpus climb a quarter cpu a round: a forecast")
        .anyMatch(
            l ->
                l.startsWith(
                    "mesos_health_capacity_exhaustion_timestamp_seconds{cluster=\"prod\",group=\"prod\",horizon=\"PT1H\",resource=\"cpus\"}"));
  }
}
