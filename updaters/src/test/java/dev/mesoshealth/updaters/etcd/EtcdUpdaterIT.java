package dev.mesoshealth.updaters.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mesoshealth.events.EndpointHealth;
import dev.mesoshealth.events.EndpointStatus;
import dev.mesoshealth.events.HealthState;
import dev.mesoshealth.events.HealthStatus;
import dev.mesoshealth.events.NodeRef;
import dev.mesoshealth.events.NodeRole;
import dev.mesoshealth.schemas.topics.Topics;
import dev.mesoshealth.service.SharedConfig;
import dev.mesoshealth.testkit.KafkaBrokerExtension;
import dev.mesoshealth.testkit.SampleEvents;
import dev.mesoshealth.testkit.SaslSslListener;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The etcd updater against a real etcd, fed through a real broker: records appear, change and
 * vanish with health; a killed updater's records expire after the lease TTL; a restart reconciles
 * away what the topics no longer justify.
 */
class EtcdUpdaterIT {
  private static final String PREFIX = "/mh-test";

  private static final SaslSslListener SECURE = new SaslSslListener();

  @RegisterExtension
  static final KafkaBrokerExtension kafka = new KafkaBrokerExtension(SECURE.brokerOverrides());

  @TempDir Path dir;
  private EtcdProcess etcd;
  private Client client;
  private EtcdUpdaterMain updater;

  @BeforeEach
  void start() throws Exception {
    kafka.createTopics(List.of(Topics.ENDPOINT_HEALTH, Topics.HEALTH_STATES), 3);
    etcd = new EtcdProcess(dir);
    client = Client.builder().endpoints(etcd.url()).build();
  }

  @AfterEach
  void stop() {
    if (updater != null) {
      updater.close();
    }
    // null where the test was skipped before they started (no etcd installed, off CI)
    if (client != null) {
      client.close();
    }
    if (etcd != null) {
      etcd.close();
    }
  }

  private Map<String, String> flags(String ttl, String cluster) {
    Map<String, String> c = new HashMap<>();
    c.put(SharedConfig.CLUSTER_NAME, cluster);
    c.put(SharedConfig.KAFKA_BOOTSTRAP_SERVERS, kafka.bootstrapServers());
    c.put("etcd.endpoints", etcd.url());
    c.put("etcd.prefix", PREFIX);
    c.put("etcd.lease.ttl", ttl);
    c.put(SharedConfig.RECONCILE_INTERVAL, "2s");
    c.put(SharedConfig.ADMIN_PORT, "0");
    return c;
  }

  private EtcdUpdaterMain startUpdater(String cluster) {
    return startUpdater(flags("30s", cluster));
  }

  private static EtcdUpdaterMain startUpdater(Map<String, String> flags) {
    return EtcdUpdaterMain.start(EtcdUpdaterConfig.fromFlags(flags));
  }

  private Map<String, String> records() throws Exception {
    Map<String, String> out = new TreeMap<>();
    for (KeyValue kv :
        client
            .getKVClient()
            .get(bytes(PREFIX + "/"), GetOption.builder().isPrefix(true).build())
            .get(5, TimeUnit.SECONDS)
            .getKvs()) {
      out.put(
          kv.getKey().toString(StandardCharsets.UTF_8),
          kv.getValue().toString(StandardCharsets.UTF_8));
    }
    return out;
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  private static HealthState agent(String cluster, String id, HealthStatus s) {
    HealthState h = SampleEvents.healthState(id);
    h.getNode().setCluster(cluster);
    h.setState(s);
    h.setSince(Instant.parse("2026-11-25T12:00:00Z"));
    return h;
  }

  private static HealthState cluster(String cluster, HealthStatus s) {
    HealthState h = SampleEvents.healthState("c");
    h.setNode(new NodeRef(cluster, NodeRole.CLUSTER, "cluster:" + cluster, cluster, ""));
    h.setState(s);
    h.setReasons(List.of());
    return h;
  }

  private static EndpointHealth endpoint(
      String cluster, String task, int port, EndpointStatus status) {
    EndpointHealth e = SampleEvents.endpointHealth(task, "S1");
    e.setCluster(cluster);
    e.setIp("10.0.0.1");
    e.setPort(port);
    e.setStatus(status);
    return e;
  }

  private void states(Object... keysAndStates) {
    List<Map.Entry<String, HealthState>> r = new ArrayList<>();
    for (int i = 0; i < keysAndStates.length; i += 2) {
      r.add(
          new AbstractMap.SimpleEntry<>(
              (String) keysAndStates[i], (HealthState) keysAndStates[i + 1]));
    }
    kafka.produce(Topics.HEALTH_STATES, r);
  }

  private void endpoints(Object... keysAndEndpoints) {
    List<Map.Entry<String, EndpointHealth>> r = new ArrayList<>();
    for (int i = 0; i < keysAndEndpoints.length; i += 2) {
      r.add(
          new AbstractMap.SimpleEntry<>(
              (String) keysAndEndpoints[i], (EndpointHealth) keysAndEndpoints[i + 1]));
    }
    kafka.produce(Topics.ENDPOINT_HEALTH, r);
  }

  @Test
  void readsItsTopicsOverSaslSsl() throws Exception {
    SECURE.addUser(kafka.broker());
    states("S9", agent("tls", "S9", HealthStatus.DEGRADED));
    Map<String, String> f = flags("30s", "tls");
    f.putAll(SECURE.serviceSettings(SaslSslListener.PASSWORD));
    updater = startUpdater(f);

    await("the record, from what was read over SASL_SSL")
        .atMost(Duration.ofSeconds(30))
        .until(() -> records().getOrDefault(PREFIX + "/health/agents/S9", "").contains("DEGRADED"));
  }

  @Test
  void writesOnlyUnderItsPrefix() throws Exception {
    Map<String, String> foreign =
        Map.of(
            "/unrelated",
            "a",
            PREFIX + "-other/health/agents/S1",
            "b", // shares the prefix's characters
            PREFIX + "x",
            "c",
            "/",
            "d");
    for (Map.Entry<String, String> e : foreign.entrySet()) {
      client.getKVClient().put(bytes(e.getKey()), bytes(e.getValue())).get(5, TimeUnit.SECONDS);
    }
    client
        .getKVClient()
        .put(bytes(PREFIX + "/health/agents/STALE"), bytes("{}"))
        .get(5, TimeUnit.SECONDS);
    states("P1", agent("scoped", "P1", HealthStatus.HEALTHY));
    updater = startUpdater("scoped");

    await("its own stale record reconciled away, P1 written")
        .atMost(Duration.ofSeconds(20))
        .until(() -> records().keySet().equals(java.util.Set.of(PREFIX + "/health/agents/P1")));
    for (Map.Entry<String, String> e : foreign.entrySet()) {
      assertThat(
              client
                  .getKVClient()
                  .get(bytes(e.getKey()))
                  .get(5, TimeUnit.SECONDS)
                  .getKvs()
                  .get(0)
                  .getValue()
                  .toString(StandardCharsets.UTF_8))
          .as(e.getKey() + " untouched")
          .isEqualTo(e.getValue());
    }
    assertThat(
            client
                .getKVClient()
                .get(bytes("/"), GetOption.builder().isPrefix(true).build())
                .get(5, TimeUnit.SECONDS)
                .getCount())
        .as("nothing else anywhere")
        .isEqualTo(foreign.size() + 1);
  }

  @Test
  void recordsAppearChangeAndVanishWithHealth() throws Exception {
    states(
        "S1",
        agent("prod", "S1", HealthStatus.HEALTHY),
        "S2",
        agent("prod", "S2", HealthStatus.UNHEALTHY),
        "cluster:prod",
        cluster("prod", HealthStatus.HEALTHY));
    endpoints(
        "/web/frontend|t1",
        endpoint("prod", "t1", 31001, EndpointStatus.UP),
        "/web/frontend|t2",
        endpoint("prod", "t2", 31002, EndpointStatus.DRAIN));
    updater = startUpdater("prod");

    await("the records")
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                records()
                    .keySet()
                    .equals(
                        java.util.Set.of(
                            PREFIX + "/health/agents/S1",
                            PREFIX + "/health/agents/S2",
                            PREFIX + "/health/clusters/prod",
                            PREFIX + "/services/web/frontend/t1")));
    assertThat(records().get(PREFIX + "/services/web/frontend/t1")).isEqualTo("10.0.0.1:31001");
    assertThat(records().get(PREFIX + "/health/agents/S2")).contains("\"state\":\"UNHEALTHY\"");

    // t2 comes UP, S2 recovers, t1's task ends, S1 is forgotten
    endpoints(
        "/web/frontend|t2",
        endpoint("prod", "t2", 31002, EndpointStatus.UP),
        "/web/frontend|t1",
        null);
    states("S2", agent("prod", "S2", HealthStatus.HEALTHY), "S1", null);

    await("the records follow")
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              Map<String, String> r = records();
              return r.containsKey(PREFIX + "/services/web/frontend/t2")
                  && !r.containsKey(PREFIX + "/services/web/frontend/t1")
                  && !r.containsKey(PREFIX + "/health/agents/S1")
                  && r.getOrDefault(PREFIX + "/health/agents/S2", "").contains("\"HEALTHY\"");
            });

    // a drained endpoint leaves the registry
    endpoints("/web/frontend|t2", endpoint("prod", "t2", 31002, EndpointStatus.DOWN));
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> !records().containsKey(PREFIX + "/services/web/frontend/t2"));

    // a clean stop revokes the lease: nothing is left claiming health
    updater.close();
    updater = null;
    assertThat(records()).isEmpty();
  }

  @Test
  void aKilledUpdatersRecordsExpireAndARestartReconciles() throws Exception {
    states(
        "W1",
        agent("west", "W1", HealthStatus.HEALTHY),
        "cluster:west",
        cluster("west", HealthStatus.HEALTHY));
    endpoints("/web/frontend|w1", endpoint("west", "t1", 31001, EndpointStatus.UP));

    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(UpdaterProcessMain.class.getName());
    flags("5s", "west").forEach((k, v) -> command.add(k + "=" + v));
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("updater.log").toFile())
            .start();
    try {
      await("records from the updater process")
          .atMost(Duration.ofSeconds(60))
          .until(() -> records().size() == 3);
    } finally {
      process.destroyForcibly(); // SIGKILL: no chance to revoke anything
    }
    Instant killed = Instant.now();
    await("the records expire with the lease")
        .atMost(Duration.ofSeconds(20))
        .until(() -> records().isEmpty());
    System.out.println(
        "etcd: records expired "
            + Duration.between(killed, Instant.now()).toMillis()
            + " ms after the kill (TTL 5 s)");

    // while no updater runs: someone leaves a stray record, and a task ends
    client
        .getKVClient()
        .put(bytes(PREFIX + "/services/old/app/t9"), bytes("10.9.9.9:1"))
        .get(5, TimeUnit.SECONDS);
    endpoints("/web/frontend|w1", null);
    endpoints("/web/frontend|w3", endpoint("west", "t3", 31003, EndpointStatus.UP));

    updater = startUpdater("west");
    await("a restart reconciles")
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                records()
                    .keySet()
                    .equals(
                        java.util.Set.of(
                            PREFIX + "/health/agents/W1",
                            PREFIX + "/health/clusters/west",
                            PREFIX + "/services/web/frontend/t3")));
    assertThat(Files.readString(dir.resolve("updater.log"))).contains("etcd-updater running");
  }
}
