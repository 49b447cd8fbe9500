package dev.mesoshealth.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.mesoshealth.service.ConfigException;
import dev.mesoshealth.service.SharedConfig;
import dev.mesoshealth.sim.SimConfig;
import dev.mesoshealth.testkit.KafkaBrokerExtension;
import dev.mesoshealth.testkit.LogCapture;
import dev.mesoshealth.testkit.SimulatorExtension;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Secrets given to the collector (the Mesos credential, a Kafka SASL password) never appear in a
 * log line, at any level, through a run with a broker outage, nor in a configuration error.
 */
class SecretsInLogsIT {
  @RegisterExtension static final KafkaBrokerExtension kafka = new KafkaBrokerExtension();

  @RegisterExtension
  static final SimulatorExtension cluster = new SimulatorExtension(SimConfig.forTests(3, 5, 31));

  private static final String MESOS_SECRET = "mesos-S3cr3t-7f1c";
  private static final String KAFKA_SECRET = "kafka-S3cr3t-9a2e";

  private static Map<String, String> flags() {
    Map<String, String> f = new HashMap<>();
    f.put(SharedConfig.CLUSTER_NAME, "sim");
    f.put("mesos.masters", String.join(",", cluster.sim().masterUrls()));
    f.put(SharedConfig.POLL_INTERVAL, "1s");
    f.put("inventory.interval", "2s");
    f.put(SharedConfig.KAFKA_BOOTSTRAP_SERVERS, kafka.bootstrapServers());
    // a password-type setting Kafka's clients log as [hidden]; PLAINTEXT ignores it
    f.put(
        "kafka.sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"c\""
            + " password=\""
            + KAFKA_SECRET
            + "\";");
    f.put(SharedConfig.ADMIN_PORT, "0");
    f.put("auth.mode", "bearer");
    f.put("auth.secret", MESOS_SECRET);
    return f;
  }

  private static CollectorConfig config(Map<String, String> flags) {
    return CollectorConfig.fromFlags(flags);
  }

  @Test
  void noSecretInAnyLogLineOrError() throws Exception {
    LogCapture captured =
        new LogCapture(
            Map.of(
                "dev.mesoshealth",
                Level.DEBUG,
                "org.apache.kafka",
                Level.INFO)); // where Kafka's clients dump their configuration
    try {
      CollectorConfig config = config(flags());
      assertThat(config.toString()).doesNotContain(MESOS_SECRET, KAFKA_SECRET);
      try (CollectorMain running = CollectorMain.start(config)) {
        await("polls published")
            .atMost(Duration.ofSeconds(30))
            .until(() -> running.metrics().publishedTotal() > 20);
        kafka.broker().stop(); // outage logging, retries, reconnects
        long during = running.metrics().pollsTotal();
        await("polls during the outage")
            .atMost(Duration.ofSeconds(20))
            .until(() -> running.metrics().pollsTotal() > during + 10);
        long published = running.metrics().publishedTotal();
        kafka.broker().start();
        await("delivered again")
            .atMost(Duration.ofSeconds(30))
            .until(() -> running.metrics().publishedTotal() > published + 20);
      }
      Map<String, String> bad = flags();
      bad.put(SharedConfig.POLL_INTERVAL, "soon");
      assertThatThrownBy(() -> config(bad))
          .isInstanceOf(ConfigException.class)
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain(MESOS_SECRET, KAFKA_SECRET));
    } finally {
      captured.close();
    }

    List<String> lines = captured.lines();
    assertThat(lines).as("log lines captured").hasSizeGreaterThan(20);
    assertThat(lines)
        .as("log lines naming the SASL settings (Kafka's config dump)")
        .anyMatch(l -> l.contains("sasl.jaas.config"));
    assertThat(lines)
        .noneMatch(l -> l.contains(MESOS_SECRET))
        .noneMatch(l -> l.contains(KAFKA_SECRET));
  }
}
