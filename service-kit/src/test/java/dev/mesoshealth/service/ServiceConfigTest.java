package dev.mesoshealth.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceConfigTest {
  private static final ConfigDef DEF =
      new ConfigDef()
          .define(
              SharedConfig.POLL_INTERVAL,
              Type.STRING,
              "10s",
              Durations.validator(Duration.ofMillis(100)),
              Importance.HIGH,
              "How often to poll.")
          .define(
              "http.max.concurrency",
              Type.INT,
              64,
              ConfigDef.Range.between(1, 4096),
              Importance.MEDIUM,
              "Parallel requests.")
          .define("mesos.masters", Type.LIST, "", Importance.HIGH, "Master URLs.")
          .define("auth.password", Type.PASSWORD, null, Importance.LOW, "Password.")
          .define(
              SharedConfig.KAFKA_BOOTSTRAP_SERVERS,
              Type.STRING,
              ConfigDef.NO_DEFAULT_VALUE,
              Importance.HIGH,
              "Brokers.");
  private static final List<String> PASS = List.of("kafka.");

  @TempDir Path dir;

  @Test
  void laterSourcesWin() throws Exception {
    Path file = dir.resolve("c.properties");
    Files.writeString(
        file, "poll.interval=5s\nhttp.max.concurrency=8\nkafka.bootstrap.servers=file:9092\n");

    ServiceConfig c =
        ServiceConfig.parse(
            DEF,
            new ServiceConfig.Sources()
                .file(file)
                .env(Map.of("MESOS_HEALTH_HTTP_MAX_CONCURRENCY", "16", "PATH", "/bin"))
                .flags(Map.of(SharedConfig.KAFKA_BOOTSTRAP_SERVERS, "flag:9092")),
            PASS);

    assertThat(c.getDuration(SharedConfig.POLL_INTERVAL)).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.getInt("http.max.concurrency")).isEqualTo(16);
    assertThat(c.getString(SharedConfig.KAFKA_BOOTSTRAP_SERVERS)).isEqualTo("flag:9092");
    assertThat(c.sourceOf("http.max.concurrency"))
        .isEqualTo("environment variable MESOS_HEALTH_HTTP_MAX_CONCURRENCY");
  }

  @Test
  void unknownKeyInAFileIsRefusedWithItsSourceAndASuggestion() throws Exception {
    Path file = dir.resolve("c.properties");
    Files.writeString(file, "pol.interval=5s\n");

    assertThatThrownBy(() -> ServiceConfig.parse(DEF, new ServiceConfig.Sources().file(file), PASS))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "unknown configuration key 'pol.interval' ("
                + file
                + "); did you mean 'poll.interval'?");
  }

  @Test
  void unknownEnvironmentVariablesAreSetAsideNotFatal() {
    ServiceConfig.Sources sources =
        new ServiceConfig.Sources()
            .env(Map.of("MESOS_HEALTH_CONSOLE_PORT", "8080"))
            .flags(Map.of(SharedConfig.KAFKA_BOOTSTRAP_SERVERS, "k:9092"));

    ServiceConfig.parse(DEF, sources, PASS);

    assertThat(ServiceConfig.ignoredEnvironment(sources))
        .containsExactly("environment variable MESOS_HEALTH_CONSOLE_PORT");
  }

  @Test
  void missingRequiredKeyIsNamed() {
    assertThatThrownBy(() -> ServiceConfig.parse(DEF, new ServiceConfig.Sources(), PASS))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(SharedConfig.KAFKA_BOOTSTRAP_SERVERS);
  }

  @Test
  void badValuesNameTheKeyTheValueAndTheSource() {
    assertThatThrownBy(
            () ->
                ServiceConfig.parse(
                    DEF,
                    new ServiceConfig.Sources()
                        .flags(Map.of(SharedConfig.KAFKA_BOOTSTRAP_SERVERS, "k:9092"))
                        .env(Map.of("MESOS_HEALTH_POLL_INTERVAL", "often")),
                    PASS))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("often")
        .hasMessageContaining(SharedConfig.POLL_INTERVAL)
        .hasMessageContaining("environment variable MESOS_HEALTH_POLL_INTERVAL");
    assertThatThrownBy(
            () ->
                ServiceConfig.parse(
                    DEF,
                    new ServiceConfig.Sources()
                        .flags(
                            Map.of(
                                SharedConfig.KAFKA_BOOTSTRAP_SERVERS,
                                "k:9092",
                                "http.max.concurrency",
                                "0")),
                    PASS))
        .hasMessageContaining("http.max.concurrency")
        .hasMessageContaining("flag for http.max.concurrency");
    assertThatThrownBy(
            () ->
                ServiceConfig.parse(
                    DEF,
                    new ServiceConfig.Sources()
                        .flags(
                            Map.of(
                                SharedConfig.KAFKA_BOOTSTRAP_SERVERS,
                                "k:9092",
                                SharedConfig.POLL_INTERVAL,
                                "10ms")),
                    PASS))
        .hasMessageContaining("must be at least 100ms");
  }

  @Test
  void missingFileIsOneClearLine() {
    Path missing = dir.resolve("nope.properties");

    assertThatThrownBy(() -> new ServiceConfig.Sources().file(missing))
        .isInstanceOf(ConfigException.class)
        .hasMessage("config file " + missing + " does not exist");
  }

  @Test
  void passThroughKeysKeepTheirValuesAndSecretsAreMaskedInToString() {
    ServiceConfig c =
        ServiceConfig.parse(
            DEF,
            new ServiceConfig.Sources()
                .flags(
                    Map.of(
                        SharedConfig.KAFKA_BOOTSTRAP_SERVERS,
                        "k:9092",
                        "kafka.sasl.jaas.config",
                        "ScramLoginModule required username=\"u\" password=\"s3cret\";",
                        "kafka.security.protocol",
                        "SASL_SSL",
                        "auth.password",
                        "hunter2")),
            PASS);

    assertThat(c.withPrefix("kafka."))
        .containsEntry("security.protocol", "SASL_SSL")
        .containsKey("sasl.jaas.config");
    assertThat(c.getPassword("auth.password")).isEqualTo("hunter2");
    assertThat(c.toString())
        .doesNotContain("hunter2")
        .doesNotContain("s3cret")
        .contains("auth.password=[hidden]");
  }

  @Test
  void docsTableListsEveryKeyWithItsEnvironmentVariable() {
    String table = ConfigDocs.markdownTable(DEF);

    assertThat(table)
        .contains("| `poll.interval` | `MESOS_HEALTH_POLL_INTERVAL` | string | `10s` |");
    assertThat(table).contains("| `kafka.bootstrap.servers` |").contains("(required)");
    assertThat(table.lines().count()).isEqualTo(2 + DEF.names().size());
  }
}
