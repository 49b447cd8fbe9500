package dev.mesoshealth.updaters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.mesoshealth.events.EndpointHealth;
import dev.mesoshealth.events.EndpointStatus;
import dev.mesoshealth.events.HealthState;
import dev.mesoshealth.events.HealthStatus;
import dev.mesoshealth.schemas.topics.Topics;
import dev.mesoshealth.service.ConfigException;
import dev.mesoshealth.service.SharedConfig;
import dev.mesoshealth.testkit.KafkaBrokerExtension;
import dev.mesoshealth.testkit.LogCapture;
import dev.mesoshealth.testkit.SampleEvents;
import dev.mesoshealth.updaters.etcd.EtcdProcess;
import dev.mesoshealth.updaters.etcd.EtcdUpdaterConfig;
import dev.mesoshealth.updaters.etcd.EtcdUpdaterMain;
import dev.mesoshealth.updaters.haproxy.AdminState;
import dev.mesoshealth.updaters.haproxy.HaproxyProcess;
import dev.mesoshealth.updaters.haproxy.HaproxyUpdaterConfig;
import dev.mesoshealth.updaters.haproxy.HaproxyUpdaterMain;
import dev.mesoshealth.updaters.haproxy.RuntimeApi;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.GetOption;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The updaters' secrets never reach a log line, at any level, through normal work and through the
 * failure paths (an HAProxy killed, etcd stopped): the etcd password of an etcd with authentication
 * on, and the HAProxy admin socket (it grants full control of HAProxy; logs name it haproxy-1).
 */
class UpdaterSecretsInLogsIT {
  private static final String ETCD_PASSWORD = "etcd-S3cr3t-4d9b";
  private static final String BACKEND = "web_frontend_10000";

  @RegisterExtension static final KafkaBrokerExtension kafka = new KafkaBrokerExtension();

  @TempDir Path dir;

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  private static EndpointHealth endpoint(String task, int port, EndpointStatus status) {
    EndpointHealth e = SampleEvents.endpointHealth(task, "S1");
    e.setIp("127.0.0.1");
    e.setPort(port);
    e.setStatus(status);
    return e;
  }

  private static void enableAuth(String url) throws Exception {
    try (Client c = Client.builder().endpoints(url).build()) {
      var auth = c.getAuthClient();
      auth.roleAdd(bytes("root")).get(10, TimeUnit.SECONDS);
      auth.userAdd(bytes("root"), bytes(ETCD_PASSWORD)).get(10, TimeUnit.SECONDS);
      auth.userGrantRole(bytes("root"), bytes("root")).get(10, TimeUnit.SECONDS);
      auth.authEnable().get(10, TimeUnit.SECONDS);
    }
  }

  private static Map<String, String> etcdFlags(String url) {
    Map<String, String> f = new HashMap<>();
    f.put(SharedConfig.KAFKA_BOOTSTRAP_SERVERS, kafka.bootstrapServers());
    f.put("etcd.endpoints", url);
    f.put("etcd.username", "root");
    f.put("etcd.password", ETCD_PASSWORD);
    f.put("etcd.prefix", "/mh");
    f.put(SharedConfig.RECONCILE_INTERVAL, "1s");
    f.put(SharedConfig.ADMIN_PORT, "0");
    return f;
  }

  private static EtcdUpdaterConfig etcdConfig(Map<String, String> flags) {
    return EtcdUpdaterConfig.fromFlags(flags);
  }

  @Test
  @SuppressWarnings("try") // the updaters run for the length of their try block
  void noEtcdPasswordAndNoAdminSocketInAnyLogLine() throws Exception {
    kafka.createTopics(List.of(Topics.ENDPOINT_HEALTH, Topics.HEALTH_STATES), 3);
    HealthState s1 = SampleEvents.healthState("S1");
    s1.setState(HealthStatus.UNHEALTHY);
    kafka.produce(Topics.HEALTH_STATES, List.of(Map.entry("S1", s1)));
    kafka.produce(
        Topics.ENDPOINT_HEALTH,
        List.of(
            Map.entry("/web/frontend|t1", endpoint("t1", 31001, EndpointStatus.DRAIN)),
            Map.entry("/web/frontend|t2", endpoint("t2", 31002, EndpointStatus.UP))));

    LogCapture captured = new LogCapture(Map.of("dev.mesoshealth", Level.DEBUG));
    String socket;
    try (EtcdProcess etcd = new EtcdProcess(dir);
        HaproxyProcess haproxy =
            new HaproxyProcess(
                dir,
                "backend "
                    + BACKEND
                    + "\n  server t1 127.0.0.1:31001\n  server t2 127.0.0.1:31002\n")) {
      socket = haproxy.socket();
      enableAuth(etcd.url());
      haproxy.start();
      EtcdUpdaterConfig etcdConfig = etcdConfig(etcdFlags(etcd.url()));
      assertThat(etcdConfig.toString()).doesNotContain(ETCD_PASSWORD);
      Map<String, String> h = new HashMap<>();
      h.put(SharedConfig.KAFKA_BOOTSTRAP_SERVERS, kafka.bootstrapServers());
      h.put("haproxy.sockets", socket);
      h.put(SharedConfig.RECONCILE_INTERVAL, "1s");
      h.put("max.out.share", "1.0");
      h.put(SharedConfig.ADMIN_PORT, "0");
      HaproxyUpdaterConfig haproxyConfig = HaproxyUpdaterConfig.fromFlags(h);
      assertThat(haproxyConfig.toString()).doesNotContain(socket);

      try (EtcdUpdaterMain etcdUpdater = EtcdUpdaterMain.start(etcdConfig);
          HaproxyUpdaterMain haproxyUpdater = HaproxyUpdaterMain.start(haproxyConfig);
          Client reader =
              Client.builder()
                  .endpoints(etcd.url())
                  .user(bytes("root"))
                  .password(bytes(ETCD_PASSWORD))
                  .build()) {
        RuntimeApi api = new RuntimeApi(socket, Duration.ofSeconds(2));
        await("t1 drained in HAProxy")
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    api.servers().stream()
                        .anyMatch(s -> s.name().equals("t1") && s.state() == AdminState.DRAIN));
        await("S1's record in an etcd that wants a password")
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    reader
                            .getKVClient()
                            .get(bytes("/mh/health/agents/S1"), GetOption.DEFAULT)
                            .get(5, TimeUnit.SECONDS)
                            .getCount()
                        == 1);
        // the failure paths log too
        haproxy.kill();
        etcd.close();
        await("both updaters report their failures")
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    captured.events().stream()
                            .anyMatch(
                                e ->
                                    e.getLevel().isGreaterOrEqual(Level.WARN)
                                        && e.getFormattedMessage().contains("haproxy-1"))
                        && captured.events().stream()
                            .anyMatch(
                                e ->
                                    e.getLevel().isGreaterOrEqual(Level.WARN)
                                        && e.getLoggerName().contains("etcd")));
      }
      Map<String, String> bad = etcdFlags(etcd.url());
      bad.put("etcd.lease.ttl", "soon");
      assertThatThrownBy(() -> etcdConfig(bad))
          .isInstanceOf(ConfigException.class)
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain(ETCD_PASSWORD));
    } finally {
      captured.close();
    }

    List<String> lines = captured.lines();
    assertThat(lines).as("log lines captured").hasSizeGreaterThan(5);
    assertThat(lines).noneMatch(l -> l.contains(ETCD_PASSWORD)).noneMatch(l -> l.contains(socket));
  }
}
