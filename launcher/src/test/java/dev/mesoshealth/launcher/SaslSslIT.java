package dev.mesoshealth.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mesoshealth.collector.CollectorConfig;
import dev.mesoshealth.collector.CollectorMain;
import dev.mesoshealth.events.HealthState;
import dev.mesoshealth.events.MetricSnapshot;
import dev.mesoshealth.processor.ProcessorConfig;
import dev.mesoshealth.processor.ProcessorMain;
import dev.mesoshealth.schemas.topics.Topics;
import dev.mesoshealth.service.ServiceConfig;
import dev.mesoshealth.sim.SimConfig;
import dev.mesoshealth.testkit.EmbeddedKafkaBroker;
import dev.mesoshealth.testkit.KafkaBrokerExtension;
import dev.mesoshealth.testkit.SimulatorExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The services talk to a broker that wants TLS and SCRAM (a SASL_SSL listener with a certificate of
 * its own CA), configured only through their {@code kafka.*} settings: the collector publishes and
 * the processor consumes and produces over it; a wrong password is refused by the broker and breaks
 * nothing.
 */
class SaslSslIT {
  private static final Path TLS = tlsDir();
  private static final String STORE_PASSWORD = "changeit-42";
  private static final int SECURE_PORT = EmbeddedKafkaBroker.freePort();

  @RegisterExtension
  static final KafkaBrokerExtension kafka =
      new KafkaBrokerExtension(
          Map.ofEntries(
              Map.entry(
                  "listeners",
                  "PLAINTEXT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{controllerPort},"
                      + "SECURE://127.0.0.1:"
                      + SECURE_PORT),
              Map.entry(
                  "advertised.listeners",
                  "PLAINTEXT://127.0.0.1:{port},SECURE://127.0.0.1:" + SECURE_PORT),
              Map.entry(
                  "listener.security.protocol.map",
                  "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SECURE:SASL_SSL"),
              Map.entry("sasl.enabled.mechanisms", "SCRAM-SHA-512"),
              Map.entry(
                  "listener.name.secure.scram-sha-512.sasl.jaas.config",
                  "org.apache.kafka.common.security.scram.ScramLoginModule required;"),
              Map.entry(
                  "listener.name.secure.ssl.keystore.location",
                  TLS.resolve("broker.p12").toString()),
              Map.entry("listener.name.secure.ssl.keystore.password", STORE_PASSWORD),
              Map.entry("listener.name.secure.ssl.key.password", STORE_PASSWORD),
              Map.entry("listener.name.secure.ssl.keystore.type", "PKCS12")));

  @RegisterExtension
  static final SimulatorExtension cluster = new SimulatorExtension(SimConfig.forTests(3, 6, 41));

  /** A CA-less self-signed broker certificate for 127.0.0.1, and a truststore holding it. */
  private static Path tlsDir() {
    try {
      Path dir = Files.createTempDirectory("sasl-ssl-");
      String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
      run(
          keytool,
          "-genkeypair",
          "-alias",
          "broker",
          "-keyalg",
          "RSA",
          "-keysize",
          "2048",
          "-validity",
          "2",
          "-dname",
          "CN=127.0.0.1",
          "-ext",
          "SAN=ip:127.0.0.1",
          "-keystore",
          dir.resolve("broker.p12").toString(),
          "-storetype",
          "PKCS12",
          "-storepass",
          STORE_PASSWORD,
          "-keypass",
          STORE_PASSWORD);
      run(
          keytool,
          "-exportcert",
          "-alias",
          "broker",
          "-rfc",
          "-keystore",
          dir.resolve("broker.p12").toString(),
          "-storepass",
          STORE_PASSWORD,
          "-file",
          dir.resolve("broker.pem").toString());
      run(
          keytool,
          "-importcert",
          "-noprompt",
          "-alias",
          "broker",
          "-file",
          dir.resolve("broker.pem").toString(),
          "-keystore",
          dir.resolve("trust.p12").toString(),
          "-storetype",
          "PKCS12",
          "-storepass",
          STORE_PASSWORD);
      return dir;
    } catch (Exception e) {
      throw new IllegalStateException("cannot make the test's TLS material", e);
    }
  }

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + ": " + out);
    }
  }

  @BeforeAll
  static void users() throws Exception {
    try (Admin admin = kafka.broker().admin()) {
      admin
          .alterUserScramCredentials(
              List.of(
                  new UserScramCredentialUpsertion(
                      "mesos-health",
                      new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096),
                      "s3cret-pw")))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
  }

  /** The kafka.* settings of a service that talks SASL_SSL with the given password. */
  private static Map<String, String> secure(String password) {
    Map<String, String> k = new HashMap<>();
    k.put("kafka.bootstrap.servers", "127.0.0.1:" + SECURE_PORT);
    k.put("kafka.security.protocol", "SASL_SSL");
    k.put("kafka.sasl.mechanism", "SCRAM-SHA-512");
    k.put(
        "kafka.sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required"
            + " username=\"mesos-health\" password=\""
            + password
            + "\";");
    k.put("kafka.ssl.truststore.location", TLS.resolve("trust.p12").toString());
    k.put("kafka.ssl.truststore.password", STORE_PASSWORD);
    k.put("kafka.ssl.truststore.type", "PKCS12");
    return k;
  }

  private static Map<String, String> collectorFlags(String password) {
    Map<String, String> f = secure(password);
    f.put("cluster.name", "tls");
    f.put("mesos.masters", String.join(",", cluster.sim().masterUrls()));
    f.put("poll.interval", "1s");
    f.put("inventory.interval", "2s");
    f.put("admin.port", "0");
    f.put("topics.partitions", "3");
    return f;
  }

  @Test
  void collectorAndProcessorWorkOverSaslSsl() throws Exception {
    Map<String, String> p = secure("s3cret-pw");
    p.put("application.id", "sasl-ssl");
    p.put("poll.interval", "1s");
    p.put("topics.partitions", "3");
    p.put("api.port", "0");
    p.put("state.dir", Files.createTempDirectory("sasl-ssl-state-").toString());
    try (CollectorMain collector =
            CollectorMain.start(
                CollectorConfig.from(
                    ServiceConfig.parse(
                        CollectorConfig.DEFINITION,
                        new ServiceConfig.Sources().flags(collectorFlags("s3cret-pw")),
                        CollectorConfig.PASS_THROUGH)));
        ProcessorMain processor =
            ProcessorMain.start(
                ProcessorConfig.from(
                    ServiceConfig.parse(
                        ProcessorConfig.DEFINITION,
                        new ServiceConfig.Sources().flags(p),
                        ProcessorConfig.PASS_THROUGH)))) {
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
    }
  }

  @Test
  void aWrongPasswordIsRefusedAndBreaksNothing() throws Exception {
    Map<String, String> f = collectorFlags("wrong-pw");
    f.put("topics.create", "false");
    try (CollectorMain collector =
        CollectorMain.start(
            CollectorConfig.from(
                ServiceConfig.parse(
                    CollectorConfig.DEFINITION,
                    new ServiceConfig.Sources().flags(f),
                    CollectorConfig.PASS_THROUGH)))) {
      long before = collector.metrics().pollsTotal();
      await("polling goes on while the broker refuses it")
          .atMost(Duration.ofSeconds(30))
          .until(() -> collector.metrics().pollsTotal() > before + 20);
      assertThat(collector.metrics().publishedTotal()).as("nothing accepted").isZero();
    }
  }
}
