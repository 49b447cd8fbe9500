package dev.mesoshealth.updaters.haproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.mesoshealth.broker.EmbeddedKafkaBroker;
import dev.mesoshealth.events.EndpointHealth;
import dev.mesoshealth.events.EndpointStatus;
import dev.mesoshealth.events.HealthReason;
import dev.mesoshealth.events.HealthState;
import dev.mesoshealth.events.HealthStatus;
import dev.mesoshealth.events.NodeRef;
import dev.mesoshealth.events.NodeRole;
import dev.mesoshealth.schemas.topics.Topics;
import dev.mesoshealth.service.SharedConfig;
import dev.mesoshealth.testkit.KafkaBrokerExtension;
import dev.mesoshealth.testkit.SaslSslListener;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HAProxy updater against a real HAProxy with a backend of real listening servers, fed through
 * a real broker: traffic follows endpoint health, a hand-made change is repaired, the drain limit
 * holds, a new endpoint takes a slot, a suspect collector freezes changes, and a restarted HAProxy
 * is brought back in step.
 */
class HaproxyUpdaterIT {
  private static final String BACKEND = "web_frontend_10001";

  private static final SaslSslListener SECURE = new SaslSslListener();

  @RegisterExtension
  static final KafkaBrokerExtension kafka = new KafkaBrokerExtension(SECURE.brokerOverrides());

  @TempDir Path dir;
  private final List<HttpServer> tasks = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private HaproxyProcess haproxy;
  private HaproxyUpdaterMain updater;
  private RuntimeApi api;
  private int frontend;

  @BeforeEach
  void start() throws Exception {
    kafka.createTopics(List.of(Topics.ENDPOINT_HEALTH, Topics.HEALTH_STATES), 3);
    frontend = EmbeddedKafkaBroker.freePort();
    StringBuilder servers = new StringBuilder();
    for (int i = 1; i <= 5; i++) {
      HttpServer task = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
      String name = "task-" + i;
      task.createContext(
          "/",
          ex -> {
            byte[] body = name.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
          });
      task.start();
      tasks.add(task);
      if (i <= 4) { // the fifth is a new task: it has no server line yet
        servers
            .append("  server task")
            .append(i)
            .append(" 127.0.0.1:")
            .append(port(i))
            .append('\n');
      }
    }
    haproxy =
        new HaproxyProcess(
            dir,
            "frontend fe\n"
                + "  bind 127.0.0.1:"
                + frontend
                + "\n"
                + "  default_backend "
                + BACKEND
                + "\n"
                + "backend "
                + BACKEND
                + "\n"
                + "  balance roundrobin\n"
                + servers
                + "  server-template slot 1-2 0.0.0.0:0 disabled\n"
                + "backend stats_not_ours\n"
                + "  server other 127.0.0.1:9 disabled\n");
    haproxy.start();
    api = new RuntimeApi(haproxy.socket(), Duration.ofSeconds(2));
  }

  @AfterEach
  void stop() throws Exception {
    if (updater != null) {
      updater.close();
    }
    if (haproxy != null) { // null where the test was skipped before it started (no haproxy)
      haproxy.close();
    }
    tasks.forEach(t -> t.stop(0));
  }

  private int port(int task) {
    return tasks.get(task - 1).getAddress().getPort();
  }

  private HaproxyUpdaterMain startUpdater(boolean dryRun) {
    return startUpdater(dryRun, Map.of());
  }

  private HaproxyUpdaterMain startUpdater(boolean dryRun, Map<String, String> more) {
    Map<String, String> c = new HashMap<>();
    c.put(SharedConfig.KAFKA_BOOTSTRAP_SERVERS, kafka.bootstrapServers());
    c.put("haproxy.sockets", haproxy.socket());
    c.put(SharedConfig.RECONCILE_INTERVAL, "1s");
    c.put(SharedConfig.ADMIN_PORT, "0");
    c.put(SharedConfig.DRY_RUN, Boolean.toString(dryRun));
    c.putAll(more);
    return HaproxyUpdaterMain.start(HaproxyUpdaterConfig.fromFlags(c));
  }

  private static EndpointHealth endpoint(int task, int port, EndpointStatus status, String why) {
    return EndpointHealth.newBuilder()
        .setCluster("prod")
        .setAppId("/web/frontend")
        .setTaskId("t" + task)
        .setBackend(BACKEND)
        .setHost("agent-" + task)
        .setIp("127.0.0.1")
        .setPort(port)
        .setPorts(List.of(port))
        .setServicePorts(List.of(10001))
        .setAgentId("S" + task)
        .setTaskState("TASK_RUNNING")
        .setTaskHealthy(true)
        .setAgentState(status == EndpointStatus.UP ? HealthStatus.HEALTHY : HealthStatus.UNHEALTHY)
        .setStatus(status)
        .setReasons(why == null ? List.of() : List.of(why))
        .setEvaluatedAt(Instant.now())
        .build();
  }

  private void publish(int task, EndpointStatus status, String why) {
    kafka.produce(
        Topics.ENDPOINT_HEALTH,
        List.of(Map.entry("/web/frontend|t" + task, endpoint(task, port(task), status, why))));
  }

  private void publishAll(
      EndpointStatus s1, EndpointStatus s2, EndpointStatus s3, EndpointStatus s4) {
    EndpointStatus[] s = {s1, s2, s3, s4};
    List<Map.Entry<String, EndpointHealth>> records = new ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      records.add(
          new AbstractMap.SimpleEntry<>(
              "/web/frontend|t" + i,
              endpoint(
                  i, port(i), s[i - 1], s[i - 1] == EndpointStatus.UP ? null : "agent UNHEALTHY")));
    }
    kafka.produce(Topics.ENDPOINT_HEALTH, records);
  }

  private Map<String, AdminState> states() throws Exception {
    Map<String, AdminState> out = new HashMap<>();
    for (ServerState s : api.servers()) {
      if (s.backend().equals(BACKEND)) {
        out.put(s.name(), s.state());
      }
    }
    return out;
  }

  /** Which tasks answer 24 requests sent through HAProxy. */
  private TreeSet<String> traffic() throws Exception {
    TreeSet<String> answered = new TreeSet<>();
    for (int i = 0; i < 24; i++) {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + frontend + "/"))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 200) {
        answered.add(r.body());
      }
    }
    return answered;
  }

  @Test
  void readsItsTopicOverSaslSsl() throws Exception {
    SECURE.addUser(kafka.broker());
    publishAll(EndpointStatus.UP, EndpointStatus.DRAIN, EndpointStatus.UP, EndpointStatus.UP);
    updater = startUpdater(false, SECURE.serviceSettings(SaslSslListener.PASSWORD));

    await("task 2 drained, from what was read over SASL_SSL")
        .atMost(Duration.ofSeconds(30))
        .until(() -> states().get("task2") == AdminState.DRAIN);
    assertThat(traffic()).containsExactly("task-1", "task-3", "task-4");
  }

  @Test
  void trafficFollowsEndpointHealth() throws Exception {
    publishAll(EndpointStatus.UP, EndpointStatus.UP, EndpointStatus.UP, EndpointStatus.UP);
    updater = startUpdater(false);
    assertThat(traffic()).containsExactly("task-1", "task-2", "task-3", "task-4");

    // the agent of tasks 1 and 2 goes UNHEALTHY: both drain, traffic only reaches 3 and 4
    publishAll(EndpointStatus.DRAIN, EndpointStatus.DRAIN, EndpointStatus.UP, EndpointStatus.UP);
    await("tasks 1 and 2 drained")
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                states().get("task1") == AdminState.DRAIN
                    && states().get("task2") == AdminState.DRAIN);
    assertThat(traffic()).containsExactly("task-3", "task-4");

    // recovery
    publishAll(EndpointStatus.UP, EndpointStatus.UP, EndpointStatus.UP, EndpointStatus.UP);
    await("all ready again")
        .atMost(Duration.ofSeconds(15))
        .until(() -> states().values().stream().filter(s -> s == AdminState.READY).count() == 4);
    assertThat(traffic()).containsExactly("task-1", "task-2", "task-3", "task-4");

    // someone sets a server to maint by hand: the periodic reconcile repairs it
    api.apply(
        new Action.SetState(
            new ServerState(BACKEND, "task3", "127.0.0.1", port(3), AdminState.READY),
            AdminState.MAINT,
            "by hand"));
    assertThat(states().get("task3")).isEqualTo(AdminState.MAINT);
    await("the drift repaired")
        .atMost(Duration.ofSeconds(10))
        .until(() -> states().get("task3") == AdminState.READY);

    // a new task gets a free slot and traffic
    publish(5, EndpointStatus.UP, null);
    await("task 5 in a slot")
        .atMost(Duration.ofSeconds(15))
        .until(() -> traffic().contains("task-5"));
    assertThat(api.servers())
        .filteredOn(s -> s.name().startsWith("slot") && s.port() == port(5))
        .singleElement()
        .extracting(ServerState::state)
        .isEqualTo(AdminState.READY);

    // the task ends (tombstone): its server leaves rotation
    kafka.produce(
        Topics.ENDPOINT_HEALTH,
        List.of(new AbstractMap.SimpleEntry<>("/web/frontend|t5", (EndpointHealth) null)));
    await("task 5 out after it ended")
        .atMost(Duration.ofSeconds(15))
        .until(() -> !traffic().contains("task-5"));
    // a backend no endpoint names was never touched
    assertThat(api.servers())
        .filteredOn(s -> s.backend().equals("stats_not_ours"))
        .extracting(ServerState::state)
        .containsExactly(AdminState.MAINT);
  }

  @Test
  void theDrainLimitHoldsAndASuspectCollectorFreezesEverything() throws Exception {
    publishAll(EndpointStatus.UP, EndpointStatus.UP, EndpointStatus.UP, EndpointStatus.UP);
    updater = startUpdater(false);
    await().atMost(Duration.ofSeconds(15)).until(() -> traffic().size() == 4);

    // three of four want out: only two (50%) may go
    publishAll(EndpointStatus.DRAIN, EndpointStatus.DRAIN, EndpointStatus.DRAIN, EndpointStatus.UP);
    await("two drained")
        .atMost(Duration.ofSeconds(15))
        .until(() -> states().values().stream().filter(s -> s == AdminState.DRAIN).count() == 2);
    await("the held server shows in the metrics")
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                metrics().contains("mesos_health_haproxy_held_servers{haproxy=\"haproxy-1\"} 1.0"));
    assertThat(states().get("task3")).isEqualTo(AdminState.READY);
    assertThat(traffic()).containsExactly("task-3", "task-4");

    // the collector becomes suspect: a storm of DOWN changes nothing
    kafka.produce(Topics.HEALTH_STATES, List.of(Map.entry("cluster:prod", clusterState(true))));
    await("frozen")
        .atMost(Duration.ofSeconds(10))
        .until(() -> metrics().contains("mesos_health_haproxy_frozen 1.0"));
    publishAll(EndpointStatus.DOWN, EndpointStatus.DOWN, EndpointStatus.DOWN, EndpointStatus.UP);
    publishAll(EndpointStatus.UP, EndpointStatus.UP, EndpointStatus.UP, EndpointStatus.UP);
    publishAll(EndpointStatus.DOWN, EndpointStatus.DOWN, EndpointStatus.DOWN, EndpointStatus.DOWN);
    long reconciles = reconcileCount();
    await("two more reconciles while frozen")
        .atMost(Duration.ofSeconds(10))
        .until(() -> reconcileCount() >= reconciles + 2);
    assertThat(states().values().stream().filter(s -> s == AdminState.DRAIN).count()).isEqualTo(2);
    assertThat(traffic()).containsExactly("task-3", "task-4");

    // clear again: the current picture (all DOWN) applies, within the limit: the two already out
    // go from drain to maint, the other two are held in rotation
    kafka.produce(Topics.HEALTH_STATES, List.of(Map.entry("cluster:prod", clusterState(false))));
    await("the all-DOWN picture applied after the freeze, within the limit")
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                states().get("task1") == AdminState.MAINT
                    && states().get("task2") == AdminState.MAINT);
    await("two held in rotation")
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                metrics().contains("mesos_health_haproxy_held_servers{haproxy=\"haproxy-1\"} 2.0"));
    assertThat(traffic()).containsExactly("task-3", "task-4");
    publishAll(EndpointStatus.UP, EndpointStatus.UP, EndpointStatus.UP, EndpointStatus.UP);
    await("all ready once every endpoint is UP")
        .atMost(Duration.ofSeconds(15))
        .until(() -> traffic().size() == 4);
  }

  @Test
  void aRestartedHaproxyIsBroughtBackInStep() throws Exception {
    publishAll(EndpointStatus.DRAIN, EndpointStatus.UP, EndpointStatus.UP, EndpointStatus.UP);
    updater = startUpdater(false);
    await().atMost(Duration.ofSeconds(15)).until(() -> states().get("task1") == AdminState.DRAIN);

    haproxy.kill();
    long errorsBefore = errors();
    await("the outage is noticed")
        .atMost(Duration.ofSeconds(10))
        .until(() -> errors() > errorsBefore);
    haproxy.start(); // comes back from its configuration: task1 ready again
    await("task1 drained again after the restart")
        .atMost(Duration.ofSeconds(40))
        .until(() -> states().get("task1") == AdminState.DRAIN);
    assertThat(traffic()).containsExactly("task-2", "task-3", "task-4");
  }

  @Test
  void aDryRunChangesNothing() throws Exception {
    publishAll(EndpointStatus.DOWN, EndpointStatus.UP, EndpointStatus.UP, EndpointStatus.UP);
    updater = startUpdater(true);
    long reconciles = reconcileCount();
    await("reconciled twice")
        .atMost(Duration.ofSeconds(15))
        .until(() -> reconcileCount() >= reconciles + 2);

    assertThat(states().get("task1")).isEqualTo(AdminState.READY);
    assertThat(traffic()).hasSize(4);
  }

  private static HealthState clusterState(boolean suspect) {
    List<HealthReason> reasons =
        suspect
            ? List.of(
                new HealthReason(
                    "cluster.collector-suspect",
                    HealthStatus.UNKNOWN,
                    null,
                    0.9,
                    0.2,
                    "90% of the agents of collector c1 fail at once"))
            : List.of();
    return HealthState.newBuilder()
        .setNode(new NodeRef("prod", NodeRole.CLUSTER, "cluster:prod", "prod", ""))
        .setState(suspect ? HealthStatus.UNKNOWN : HealthStatus.HEALTHY)
        .setSince(Instant.now())
        .setReasons(reasons)
        .setEvaluatedAt(Instant.now())
        .setLastSnapshotAt(Instant.now())
        .build();
  }

  private String metrics() throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create(updater.adminUrl() + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private long counter(String prefix) throws Exception {
    long sum = 0;
    for (String line : metrics().split("\n")) {
      if (line.startsWith(prefix)) {
        sum += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  private long errors() throws Exception {
    return counter("mesos_health_haproxy_errors_total");
  }

  private long reconcileCount() throws Exception {
    return counter("mesos_health_haproxy_reconciles_total");
  }
}
