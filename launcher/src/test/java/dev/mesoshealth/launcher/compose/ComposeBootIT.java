package dev.mesoshealth.launcher.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mesoshealth.testkit.HeavyDrills;
import dev.mesoshealth.testkit.Prerequisites;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * docker-compose.yml, booted process by process ({@link ComposeBoot}) because no Docker engine runs
 * here: every service comes up in the file's order with its own command, environment and mounted
 * configuration, every health check passes, no service keeps state off its volumes, and an agent
 * taken down in the simulator reaches everything downstream: HAProxy drains its server, etcd
 * records it, the BI table in PostgreSQL gets the transition, Prometheus scrapes it from the
 * processors and Alertmanager gets the alerter's alert.
 */
class ComposeBootIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration POLL = Duration.ofSeconds(5);

  /** The simulator's agents in the compose file ({@code sim --agents 200}). */
  private static final int AGENTS = 200;

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final long begin = System.nanoTime();

  /** Where the drill's time goes, in the build's log: it is the build's longest test. */
  private void phase(String what) {
    System.out.printf("compose: %s at %.1f s%n", what, (System.nanoTime() - begin) / 1e9);
  }

  @TempDir(cleanup = CleanupMode.ON_SUCCESS) // a failed boot leaves every service's log
  Path dir;

  private static String get(String url) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private String post(String url, String body) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  @Test
  // the build's 5 minutes, plus waiting for the other heavy drill to finish its turn
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  @SuppressWarnings("try") // the turn is held, not used
  void theComposeFileComesUpAndAnAgentFaultReachesEveryConsumer() throws Exception {
    for (String[] tool :
        new String[][] {
          {"haproxy", "/usr/sbin/haproxy"},
          {"etcd-server", "/usr/bin/etcd"},
          {"etcd-client", "/usr/bin/etcdctl"},
          {"postgresql", "/usr/bin/psql"},
          {"prometheus", "/usr/bin/prometheus"},
          {"prometheus-alertmanager", "/usr/bin/prometheus-alertmanager"},
          {"curl", "/usr/bin/curl"},
          {"wget", "/usr/bin/wget"}
        }) {
      Prerequisites.executable(tool[0], tool[1]);
    }
    Path repo = Path.of("..").toAbsolutePath().normalize();
    // as a docker-compose.override.yml would: poll every 5 s instead of 10 s, so the test waits
    // less; an agent gets half a poll to answer, not the product's 1 s, as in the other drills:
    // the file's 200 agents share two cores with fifteen processes and the rest of the build
    // and three partitions, as every IT: two processors with a standby each start, hold and stop
    // every task's stores, four times fewer of them
    Map<String, String> pace =
        Map.of(
            "MESOS_HEALTH_POLL_INTERVAL",
            POLL.toSeconds() + "s",
            "MESOS_HEALTH_TOPICS_PARTITIONS",
            "3");
    Map<String, String> collector = new java.util.HashMap<>(pace);
    collector.put("MESOS_HEALTH_HTTP_AGENT_TIMEOUT", POLL.dividedBy(2).toMillis() + "ms");
    try (AutoCloseable turn = HeavyDrills.turn();
        ComposeBoot boot =
            new ComposeBoot(
                repo.resolve("docker-compose.yml"),
                Path.of("target/dist").toAbsolutePath(),
                dir,
                Map.of("collector", collector, "processor-1", pace, "processor-2", pace))) {
      assertThat(boot.notRun()).as("services with no stand-in here").containsOnlyKeys("grafana");
      assertThat(boot.dataOffVolumes())
          .as("state a re-created container would lose: it is on no volume")
          .isEmpty();

      boot.up(Duration.ofMinutes(3));
      phase("every service up");

      // every health check at once: each is its own command, as each container runs its own
      java.util.concurrent.ExecutorService checks =
          java.util.concurrent.Executors.newCachedThreadPool();
      Map<String, java.util.concurrent.Future<Boolean>> healthy = new java.util.LinkedHashMap<>();
      for (String service :
          List.of(
              "kafka",
              "mesos-sim",
              "collector",
              "processor-1",
              "processor-2",
              "console",
              "haproxy",
              "haproxy-updater",
              "etcd",
              "etcd-updater",
              "alerter",
              "postgres",
              "connect",
              "prometheus",
              "alertmanager")) {
        healthy.put(service, checks.submit(() -> boot.healthyNow(service)));
      }
      for (Map.Entry<String, java.util.concurrent.Future<Boolean>> h : healthy.entrySet()) {
        assertThat(h.getValue().get()).as(h.getKey() + "'s health check").isTrue();
      }
      checks.shutdown();
      phase("every health check passes at once");

      String api = "http://" + boot.ip("processor-1") + ":8081";
      String stats = "http://" + boot.ip("haproxy") + ":8404/;csv";
      // a settled cluster before the fault: an agent wrongly judged could hold the victim's server
      // in rotation (max.out.share). This is how the drill found a reader that had created
      // mesos.inventory.agents with one partition (docs/topics.md): 184 agents UNKNOWN
      await("every agent of the simulator HEALTHY")
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .untilAsserted(
              () ->
                  assertThat(
                          JSON.readTree(get(api + "/v1/clusters/sim/health"))
                              .path("agents")
                              .path("HEALTHY")
                              .asInt())
                      .as(() -> "agents HEALTHY; " + notHealthy(boot, api))
                      .isEqualTo(AGENTS));
      phase("every agent HEALTHY");
      // an UP endpoint whose app HAProxy balances, and its agent
      JsonNode endpoint =
          await("endpoints UP in an HAProxy backend")
              .atMost(Duration.ofSeconds(60))
              .ignoreExceptions()
              .until(
                  () -> {
                    String csv = get(stats);
                    for (JsonNode e :
                        JSON.readTree(get(api + "/v1/endpoints?status=UP")).path("endpoints")) {
                      if (csv.contains("\n" + e.path("backend").asText() + ",")) {
                        return e;
                      }
                    }
                    return null;
                  },
                  e -> e != null);
      phase("an UP endpoint in an HAProxy backend");
      String agent = endpoint.path("agentId").asText();
      String backend = endpoint.path("backend").asText();
      String address =
          JSON.readTree(get(api + "/v1/nodes/" + agent + "/health"))
              .path("node")
              .path("address")
              .asText()
              .replaceFirst(":\\d+$", "");
      // in rotation: "no check" (the slots have no health check of their own) or UP
      await("HAProxy serves " + address + " in " + backend + " before the fault")
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .until(() -> serverStatus(boot, backend, address).matches("UP.*|no check"));

      phase("its server in rotation");
      post(
          "http://" + boot.ip("mesos-sim") + ":5099/v1/faults",
          "{\"kind\":\"DOWN\",\"target\":\"" + agent + "\",\"duration\":\"10m\"}");
      long faultAt = System.nanoTime();

      String prometheus = "http://" + boot.ip("prometheus") + ":9090";
      String query =
          URLEncoder.encode(
              "mesos_health_node_state{node=\"" + agent + "\",state=\"UNREACHABLE\"}",
              StandardCharsets.UTF_8);
      await("the agent's fault reaches HAProxy, etcd, PostgreSQL, Prometheus and Alertmanager")
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofSeconds(1))
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                assertThat(serverStatus(boot, backend, address))
                    .as("HAProxy")
                    .matches("MAINT.*|DRAIN.*");
                assertThat(etcd(boot, "/mesos-health/health/agents/" + agent))
                    .as("etcd")
                    .contains("\"state\":\"UNREACHABLE\"");
                assertThat(
                        psql(
                            boot,
                            "SELECT count(*) FROM health_transitions WHERE node_id = '"
                                + agent
                                + "' AND to_state = 'UNREACHABLE'"))
                    .as("PostgreSQL")
                    .isNotEqualTo("0");
                assertThat(
                        JSON.readTree(get(prometheus + "/api/v1/query?query=" + query))
                            .path("data")
                            .path("result"))
                    .as("Prometheus")
                    .isNotEmpty();
                assertThat(get("http://" + boot.ip("alertmanager") + ":9093/api/v2/alerts"))
                    .as("Alertmanager")
                    .contains("\"node\":\"" + agent + "\"");
              });
      System.out.printf(
          "compose: the fault reached every consumer %.1f s after it began%n",
          (System.nanoTime() - faultAt) / 1e9);
      System.out.println("compose: CPU seconds by service: " + boot.cpuByService());
    }
  }

  /**
   * The status, on HAProxy's stats page (its CSV), of the server in {@code backend} whose address
   * is {@code host}; the page leaves addresses out for servers without checks, so the server is
   * found through the Runtime API's {@code show servers state}, as an operator would.
   */
  private static String serverStatus(ComposeBoot boot, String backend, String host)
      throws Exception {
    String name = null;
    try (Socket runtime = new Socket(boot.ip("haproxy"), 9999)) {
      runtime.getOutputStream().write(("show servers state " + backend + "\n").getBytes());
      String state = new String(runtime.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      for (String line : state.lines().toList()) {
        String[] f = line.split(" "); // be_id be_name srv_id srv_name srv_addr ...
        if (f.length > 4 && f[1].equals(backend) && f[4].equals(host)) {
          name = f[3];
        }
      }
    }
    String csv = get("http://" + boot.ip("haproxy") + ":8404/;csv");
    List<String> lines = csv.lines().toList();
    List<String> header = List.of(lines.get(0).replaceFirst("^# ", "").split(","));
    int status = header.indexOf("status");
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",", -1);
      if (f.length > status && f[0].equals(backend) && f[1].equals(name)) {
        return f[status];
      }
    }
    return "absent";
  }

  /** Why agents are not HEALTHY: a few of them, and what the collector says it does. */
  private static String notHealthy(ComposeBoot boot, String api) {
    StringBuilder b = new StringBuilder("the others: ");
    try {
      b.append(
          get(
              api
                  + "/v1/nodes?role=agent&state=unknown,unreachable,unhealthy,degraded,draining,"
                  + "gone&limit=5"));
      b.append("\ncollector: ");
      get("http://" + boot.ip("mesos-sim") + ":9100/metrics")
          .lines()
          .filter(l -> l.startsWith("mesos_health_collector_") && !l.contains("_bucket"))
          .forEach(l -> b.append("\n  ").append(l));
    } catch (Exception e) {
      b.append(" (").append(e).append(')');
    }
    return b.append('\n').append(boot.tail("collector")).toString();
  }

  /** A key's value in etcd, through its JSON gateway. */
  private String etcd(ComposeBoot boot, String key) throws Exception {
    String b64 = Base64.getEncoder().encodeToString(key.getBytes(StandardCharsets.UTF_8));
    JsonNode kvs =
        JSON.readTree(
                post(
                    "http://" + boot.ip("etcd") + ":2379/v3/kv/range", "{\"key\":\"" + b64 + "\"}"))
            .path("kvs");
    return kvs.isEmpty()
        ? ""
        : new String(
            Base64.getDecoder().decode(kvs.get(0).path("value").asText()), StandardCharsets.UTF_8);
  }

  /** One value from PostgreSQL, as the BI user of the compose file. */
  private static String psql(ComposeBoot boot, String sql) throws Exception {
    ProcessBuilder b =
        new ProcessBuilder(
                "psql", "-h", boot.ip("postgres"), "-U", "mesos", "-d", "mesos_health", "-tAc", sql)
            .redirectErrorStream(true);
    b.environment().put("PGPASSWORD", "mesos");
    Process p = b.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }
}
