package dev.mesoshealth.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mesoshealth.collector.CollectorConfig;
import dev.mesoshealth.collector.CollectorMain;
import dev.mesoshealth.console.ConsoleConfig;
import dev.mesoshealth.console.ConsoleMain;
import dev.mesoshealth.events.HealthState;
import dev.mesoshealth.events.MetricSnapshot;
import dev.mesoshealth.processor.ProcessorConfig;
import dev.mesoshealth.processor.ProcessorMain;
import dev.mesoshealth.schemas.topics.Topics;
import dev.mesoshealth.service.SharedConfig;
import dev.mesoshealth.sim.SimConfig;
import dev.mesoshealth.testkit.KafkaBrokerExtension;
import dev.mesoshealth.testkit.SaslSslListener;
import dev.mesoshealth.testkit.SimulatorExtension;
import dev.mesoshealth.testkit.TempDirs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The services talk to a broker that wants TLS and SCRAM (a SASL_SSL listener with a certificate of
 * its own CA), configured only through their {@code kafka.*} settings: the collector publishes, the
 * processor consumes and produces, and the console reads over it; a wrong password is refused by
 * the broker and breaks nothing.
 */
class SaslSslIT {
  private static final SaslSslListener SECURE = new SaslSslListener();

  @RegisterExtension
  static final KafkaBrokerExtension kafka = new KafkaBrokerExtension(SECURE.brokerOverrides());

  @RegisterExtension
  static final SimulatorExtension cluster = new SimulatorExtension(SimConfig.forTests(3, 6, 41));

  @BeforeAll
  static void users() throws Exception {
    SECURE.addUser(kafka.broker());
  }

  private static Map<String, String> secure(String password) {
    return SECURE.serviceSettings(password);
  }

  private static Map<String, String> collectorFlags(String password) {
    Map<String, String> f = secure(password);
    f.put(SharedConfig.CLUSTER_NAME, "tls");
    f.put("mesos.masters", String.join(",", cluster.sim().masterUrls()));
    f.put(SharedConfig.POLL_INTERVAL, "1s");
    f.put("inventory.interval", "2s");
    f.put(SharedConfig.ADMIN_PORT, "0");
    f.put("topics.partitions", "3");
    return f;
  }

  @Test
  void collectorAndProcessorWorkOverSaslSsl() throws Exception {
    Map<String, String> p = secure(SaslSslListener.PASSWORD);
    p.put("application.id", "sasl-ssl");
    p.put(SharedConfig.POLL_INTERVAL, "1s");
    p.put("topics.partitions", "3");
    p.put("api.port", "0");
    p.put("state.dir", TempDirs.create("sasl-ssl-state-").toString());
    try (CollectorMain collector =
            CollectorMain.start(
                CollectorConfig.fromFlags(collectorFlags(SaslSslListener.PASSWORD)));
        ProcessorMain processor = ProcessorMain.start(ProcessorConfig.fromFlags(p))) {
      // read back over the plain listener: what went in over SASL_SSL is there
      List<ConsumerRecord<String, MetricSnapshot>> snapshots =
          kafka.consumeUntil(
              Topics.METRIC_SNAPSHOTS, r -> r.size() >= 20, Duration.ofSeconds(60), "snapshots");
      assertThat(snapshots)
          .allSatisfy(r -> assertThat(r.value().getNode().getCluster()).isEqualTo("tls"));
      List<ConsumerRecord<String, HealthState>> states =
          kafka.consumeUntil(
              Topics.HEALTH_STATES,
              r -> r.stream().anyMatch(x -> x.key().equals("cluster:tls")),
              Duration.ofSeconds(90),
              "the processor's cluster state");
      assertThat(states).isNotEmpty();
      assertThat(collector.metrics().publishedTotal()).isPositive();
      assertThat(processor.evaluations()).as("evaluated what it read over SASL_SSL").isPositive();

      Map<String, String> c = secure(SaslSslListener.PASSWORD);
      c.put("http.port", "0");
      c.put("processor.url", processor.apiUrl());
      try (ConsoleMain console = ConsoleMain.start(ConsoleConfig.fromFlags(c))) {
        HttpClient http = HttpClient.newHttpClient();
        await("the console shows the cluster it read over SASL_SSL")
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    http.send(
                            HttpRequest.newBuilder(URI.create(console.url() + "/api/state"))
                                .build(),
                            HttpResponse.BodyHandlers.ofString())
                        .body()
                        .contains("\"name\":\"tls\""));
      }
    }
  }

  @Test
  void aWrongPasswordIsRefusedAndBreaksNothing() throws Exception {
    Map<String, String> f = collectorFlags("wrong-pw");
    f.put("topics.create", "false");
    long refusedBefore = SaslSslListener.failedAuthentications();
    try (CollectorMain collector = CollectorMain.start(CollectorConfig.fromFlags(f))) {
      await("the broker refuses the login")
          .atMost(Duration.ofSeconds(30))
          .until(() -> SaslSslListener.failedAuthentications() > refusedBefore);
      long before = collector.metrics().pollsTotal();
      await("polling goes on while the broker refuses it")
          .atMost(Duration.ofSeconds(30))
          .until(() -> collector.metrics().pollsTotal() > before + 20);
      assertThat(collector.metrics().publishedTotal()).as("nothing accepted").isZero();
    }
  }
}
