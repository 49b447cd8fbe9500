package dev.mesoshealth.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mesoshealth.service.ConfigDocs;
import dev.mesoshealth.service.ConfigException;
import dev.mesoshealth.service.ServiceConfig;
import dev.mesoshealth.service.SharedConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CollectorConfigTest {
  private static CollectorConfig parse(Map<String, String> flags, Map<String, String> env) {
    return CollectorConfig.from(
        ServiceConfig.parse(
            CollectorConfig.DEFINITION,
            new ServiceConfig.Sources().env(env).flags(flags),
            SharedConfig.PASS_THROUGH));
  }

  @Test
  void defaultsAreSensible() {
    CollectorConfig c = parse(Map.of("mesos.masters", "m1:5050,https://m2:5050/"), Map.of());

    assertThat(c.mesos().masters())
        .extracting(Object::toString)
        .containsExactly("http://m1:5050", "https://m2:5050");
    assertThat(c.mesos().discovery()).isEqualTo(CollectorConfig.Discovery.STATIC);
    assertThat(c.pollInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.inventoryInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.http().maxResponseBytes()).isEqualTo(4L * 1024 * 1024);
    assertThat(c.sharing().byGroup()).isFalse();
    assertThat(c.sharing().fixed().count()).isEqualTo(1);
  }

  @Test
  void environmentAndKafkaPassThrough() {
    CollectorConfig c =
        parse(
            Map.of("mesos.zk", "zk://z:2181/mesos"),
            Map.of(
                "MESOS_HEALTH_POLL_INTERVAL",
                "2s",
                "MESOS_HEALTH_KAFKA_SECURITY_PROTOCOL",
                "SASL_SSL"));

    assertThat(c.mesos().discovery()).isEqualTo(CollectorConfig.Discovery.ZK);
    assertThat(c.pollInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.kafka().settings()).containsEntry("security.protocol", "SASL_SSL");
  }

  @Test
  void missingOrInconsistentSettingsAreOneClearLine() {
    assertThatThrownBy(() -> parse(Map.of(), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("no masters to poll");
    assertThatThrownBy(() -> parse(Map.of("mesos.masters", "ftp://x"), Map.of()))
        .hasMessage("mesos.masters: 'ftp://x' is not an http(s)://host:port URL");
    assertThatThrownBy(
            () ->
                parse(
                    Map.of("mesos.masters", "m:5050", "auth.mode", "basic", "auth.secret", "x"),
                    Map.of()))
        .hasMessage("auth.mode=basic needs auth.username");
    assertThatThrownBy(
            () -> parse(Map.of("mesos.masters", "m:5050", "auth.mode", "bearer"), Map.of()))
        .hasMessage("auth.mode=bearer needs auth.secret");
    assertThatThrownBy(() -> parse(Map.of("mesos.masters", "m:5050", "shard", "3/2"), Map.of()))
        .hasMessageContaining("0 <= i < n")
        .hasMessageContaining("or 'kafka'")
        .hasMessageContaining("flag for shard");
    assertThatThrownBy(
            () -> parse(Map.of("mesos.masters", "m:5050", "auth.mode", "kerberos"), Map.of()))
        .hasMessageContaining("auth.mode");
    assertThatThrownBy(
            () ->
                parse(
                    Map.of("mesos.masters", "m:5050", SharedConfig.POLL_INTERVAL, "0s"), Map.of()))
        .hasMessageContaining("must be at least 500ms");
  }

  @Test
  void secretsNeverShowInTheConfigDump() {
    ServiceConfig s =
        ServiceConfig.parse(
            CollectorConfig.DEFINITION,
            new ServiceConfig.Sources()
                .flags(
                    Map.of(
                        "mesos.masters",
                        "m:5050",
                        "auth.mode",
                        "bearer",
                        "auth.secret",
                        "TOPSECRET",
                        "kafka.sasl.jaas.config",
                        "pw=TOPSECRET2")),
            SharedConfig.PASS_THROUGH);

    assertThat(s.toString()).doesNotContain("TOPSECRET").contains("auth.secret=[hidden]");
  }

  @Test
  void kafkaShardingTakesTheSessionTimeoutAndAOneOffRunPollsEverything() {
    CollectorConfig c =
        parse(
            Map.of("mesos.masters", "m:5050", "shard", "kafka", "shard.session.timeout", "6s"),
            Map.of());
    assertThat(c.sharing().byGroup()).isTrue();
    assertThat(c.sharing().sessionTimeout()).isEqualTo(Duration.ofSeconds(6));
    assertThat(c.sharing().fixed().count()).isEqualTo(1);
    assertThatThrownBy(
            () ->
                parse(
                    Map.of(
                        "mesos.masters", "m:5050", "shard", "kafka", "shard.session.timeout", "0s"),
                    Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("shard.session.timeout");
  }

  @Test
  void everyKeyIsDocumented() {
    String table = ConfigDocs.markdownTable(CollectorConfig.DEFINITION);
    for (String key : CollectorConfig.DEFINITION.names()) {
      assertThat(table).contains("| `" + key + "` |");
    }
  }

  @Test
  void idleConnectionsFollowTheOpenFilesLimitForJettyAndStayAt1024ForTheJdkClient() {
    Map<String, String> base = Map.of("mesos.masters", "http://m1:5050");
    CollectorConfig jetty = parse(base, Map.of());
    Map<String, String> jdkFlags = new java.util.HashMap<>(base);
    jdkFlags.put("http.client", "jdk");
    CollectorConfig jdk = parse(jdkFlags, Map.of());

    assertThat(jetty.http().client()).isEqualTo(CollectorConfig.HttpClientKind.JETTY);
    assertThat(jetty.http().idleConnections(20_000)).isEqualTo(10_000);
    assertThat(jdk.http().idleConnections(20_000)).isEqualTo(1024);

    Map<String, String> set = new java.util.HashMap<>(base);
    set.put("http.max.idle.connections", "64");
    assertThat(parse(set, Map.of()).http().idleConnections(20_000)).isEqualTo(64);
    set.put("http.max.idle.connections", "0");
    assertThat(parse(set, Map.of()).http().idleConnections(20_000))
        .as("0: unbounded")
        .isEqualTo(Integer.MAX_VALUE);
  }
}
