package dev.mesoshealth.updaters.haproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mesoshealth.collector.CollectorConfig;
import dev.mesoshealth.collector.CollectorMain;
import dev.mesoshealth.events.EndpointHealth;
import dev.mesoshealth.events.EndpointStatus;
import dev.mesoshealth.events.HealthStatus;
import dev.mesoshealth.events.HealthTransition;
import dev.mesoshealth.processor.ProcessorConfig;
import dev.mesoshealth.processor.ProcessorMain;
import dev.mesoshealth.schemas.topics.Topics;
import dev.mesoshealth.service.SharedConfig;
import dev.mesoshealth.sim.PipelineFlags;
import dev.mesoshealth.sim.SimConfig;
import dev.mesoshealth.sim.cluster.FaultKind;
import dev.mesoshealth.sim.cluster.FaultRecord;
import dev.mesoshealth.sim.cluster.FaultSpec;
import dev.mesoshealth.sim.cluster.SimAgent;
import dev.mesoshealth.testkit.KafkaBrokerExtension;
import dev.mesoshealth.testkit.MaintenanceRequests;
import dev.mesoshealth.testkit.PrometheusProcess;
import dev.mesoshealth.testkit.SimulatorExtension;
import dev.mesoshealth.testkit.TempDirs;
import dev.mesoshealth.updaters.alerts.AlerterConfig;
import dev.mesoshealth.updaters.alerts.AlerterMain;
import dev.mesoshealth.updaters.alerts.AlertmanagerProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The collector goes blind, end to end: every simulated agent hangs, so every agent poll times out
 * at once. The processor must say the collector is suspect instead of flipping the agents, and the
 * HAProxy updater must freeze: a real HAProxy, filled with the simulator's Marathon tasks by the
 * updater itself, keeps every server in rotation through the blindness and after it. Then what
 * should move servers does: a maintenance window on one agent's machine drains its servers an hour
 * before the window, its DOWN time moves its tasks elsewhere without an alarm, and UP brings the
 * agent back.
 */
class BlindCollectorIT {
  private static final int AGENTS = 10;
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension static final KafkaBrokerExtension kafka = new KafkaBrokerExtension();

  @RegisterExtension
  static final SimulatorExtension cluster =
      new SimulatorExtension(SimConfig.forTests(3, AGENTS, 61).withCluster("blind"));

  @TempDir Path dir;
  private final HttpClient http = HttpClient.newHttpClient();

  private String get(String url) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private JsonNode clusterHealth(ProcessorMain processor) throws Exception {
    return JSON.readTree(get(processor.apiUrl() + "/v1/clusters/blind/health"));
  }

  private int healthyAgents(ProcessorMain processor) throws Exception {
    return JSON.readTree(get(processor.apiUrl() + "/v1/nodes?role=agent&state=healthy"))
        .path("count")
        .asInt();
  }

  /** A sample's value from the updater's /metrics. */
  private double metric(HaproxyUpdaterMain updater, String name) throws Exception {
    return metric(updater.adminUrl(), name);
  }

  private double metric(String adminUrl, String name) throws Exception {
    return get(adminUrl + "/metrics")
        .lines()
        .filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  private static Set<String> drained(RuntimeApi api) throws Exception {
    return api.servers().stream()
        .filter(s -> !s.unset() && s.state() == AdminState.DRAIN)
        .map(ServerState::addressAndPort)
        .collect(Collectors.toSet());
  }

  private int post(String url, String json) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private static Set<String> ready(RuntimeApi api) throws Exception {
    return api.servers().stream()
        .filter(s -> !s.unset() && s.state() == AdminState.READY)
        .map(ServerState::addressAndPort)
        .collect(Collectors.toSet());
  }

  @Test
  void everyAgentHungFlipsNoAgentAndDrainsNoServerButAMaintenanceWindowDrainsItsOwn()
      throws Exception {
    try (CollectorMain collector = startCollector();
        ProcessorMain processor = startProcessor()) {
      await("the cluster and every agent HEALTHY")
          .atMost(Duration.ofSeconds(90))
          .ignoreExceptions()
          .until(
              () ->
                  "HEALTHY".equals(clusterHealth(processor).path("state").asText())
                      && healthyAgents(processor) == AGENTS);
      // every task, not the first few read: a subset would never equal the servers in rotation
      Map<String, EndpointHealth> endpoints = new TreeMap<>();
      int marathonTasks =
          JSON.readTree(cluster.sim().cluster().renderMarathonTasks()).path("tasks").size();
      await("every Marathon task an UP endpoint")
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                kafka
                    .readAll(Topics.ENDPOINT_HEALTH)
                    .forEach(r -> endpoints.put(r.key(), r.value()));
                assertThat(endpoints).hasSize(marathonTasks);
                assertThat(endpoints.values()).allMatch(e -> e.getStatus() == EndpointStatus.UP);
              });
      Set<String> tasks =
          endpoints.values().stream()
              .map(e -> e.getIp() + ":" + e.getPort())
              .collect(Collectors.toSet());

      // HAProxy knows the apps' backends but not their tasks: the updater fills the slots
      Map<String, Long> perBackend =
          endpoints.values().stream()
              .collect(Collectors.groupingBy(EndpointHealth::getBackend, Collectors.counting()));
      StringBuilder config = new StringBuilder();
      perBackend.forEach(
          (backend, n) ->
              config
                  .append("backend ")
                  .append(backend)
                  .append("\n  server-template slot 1-")
                  .append(n + 2)
                  .append(" 0.0.0.0:0 disabled\n"));
      try (HaproxyProcess haproxy = new HaproxyProcess(dir, config.toString());
          var updater = startUpdater(haproxyStarted(haproxy));
          AlertmanagerProcess alertmanager = new AlertmanagerProcess(dir, null);
          AlerterMain alerter = startAlerter(alertmanager, processor);
          PrometheusProcess prometheus =
              new PrometheusProcess(
                  dir,
                  List.of(URI.create(processor.apiUrl()).getAuthority()),
                  Path.of("..", "deploy", "prometheus", "alerts.yml"))) {
        RuntimeApi api = new RuntimeApi(haproxy.socket(), Duration.ofSeconds(2));
        await("every task a server in rotation")
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(() -> assertThat(ready(api)).isEqualTo(tasks));
        double changes = metric(updater, "mesos_health_haproxy_changes_total");

        long polls = collector.metrics().pollsTotal();
        Instant blind = Instant.now();
        FaultRecord hung = cluster.sim().inject(FaultSpec.of(FaultKind.HUNG, "all-agents", null));
        await("the processor says the collector is suspect")
            .atMost(Duration.ofSeconds(30))
            .ignoreExceptions()
            .until(
                () ->
                    clusterHealth(processor)
                        .path("reasons")
                        .toString()
                        .contains("cluster.collector-suspect"));
        await("the updater freezes")
            .atMost(Duration.ofSeconds(10))
            .until(() -> metric(updater, "mesos_health_haproxy_frozen") == 1);
        await("one cluster alert in Alertmanager, no agent alert")
            .atMost(Duration.ofSeconds(10))
            .ignoreExceptions()
            .until(() -> alertmanager.active().equals(List.of("MesosHealthStorm blind")));
        assertThat(metric(alerter.adminUrl(), "mesos_health_alerts_firing")).isEqualTo(1.0);
        System.out.println(
            "blind: suspect and frozen "
                + Duration.between(blind, Instant.now()).toMillis()
                + " ms after every agent hung");
        // what a broken freeze would act on: every endpoint DOWN on the topic it follows
        List<Map.Entry<String, EndpointHealth>> allDown = new ArrayList<>();
        endpoints.forEach(
            (key, e) ->
                allDown.add(
                    Map.entry(
                        key, EndpointHealth.newBuilder(e).setStatus(EndpointStatus.DOWN).build())));
        kafka.produce(Topics.ENDPOINT_HEALTH, allDown);
        // blind for 15 rounds of polls (K is 2) and 5 reconciles on that picture, counted rather
        // than timed: a wrong move on any check fails at once
        double reconciles = metric(updater, "mesos_health_haproxy_reconciles_total");
        await("15 rounds of blindness: every agent HEALTHY, every server in rotation")
            .failFast(
                "an agent flagged or a server taken out of rotation while blind",
                () -> healthyAgents(processor) != AGENTS || !ready(api).equals(tasks))
            .atMost(Duration.ofSeconds(40))
            .pollInterval(Duration.ofMillis(500))
            .until(
                () ->
                    collector.metrics().pollsTotal() > polls + 15 * AGENTS
                        && metric(updater, "mesos_health_haproxy_reconciles_total")
                            >= reconciles + 5);
        // the processor's own picture back on top before the thaw
        kafka.produce(Topics.ENDPOINT_HEALTH, new ArrayList<>(endpoints.entrySet()));
        cluster.sim().clear(hung.id());
        await("the cluster HEALTHY again and the updater thawed")
            .atMost(Duration.ofSeconds(30))
            .ignoreExceptions()
            .until(
                () ->
                    "HEALTHY".equals(clusterHealth(processor).path("state").asText())
                        && metric(updater, "mesos_health_haproxy_frozen") == 0);
        double thawed = metric(updater, "mesos_health_haproxy_reconciles_total");
        await("after it too, for three reconciles: every server in rotation")
            .failFast(
                "a server taken out of rotation or an agent flagged after the thaw",
                () -> !ready(api).equals(tasks) || healthyAgents(processor) != AGENTS)
            .atMost(Duration.ofSeconds(20))
            .until(() -> metric(updater, "mesos_health_haproxy_reconciles_total") >= thawed + 3);
        assertThat(metric(updater, "mesos_health_haproxy_changes_total"))
            .as("no HAProxy change since the tasks were in")
            .isEqualTo(changes);
        List<HealthTransition> agentTransitions =
            kafka.readAll(Topics.HEALTH_TRANSITIONS).stream()
                .map(r -> r.value())
                .filter(t -> t.getAt().isAfter(blind))
                .filter(t -> t.getNode().getRole().name().equals("AGENT"))
                .toList();
        assertThat(agentTransitions).as("no agent flipped").isEmpty();
        await("the storm alert resolved once the collector sees again")
            .atMost(Duration.ofSeconds(15))
            .ignoreExceptions()
            .until(() -> alertmanager.active().isEmpty());

        // a real fault on one agent: its alert in Alertmanager within detection (K = 2 polls of
        // 1 s) plus 2 s, with the labels an on-call route needs; resolved when it is back
        SimAgent sick = cluster.sim().cluster().agents().get(AGENTS - 1);
        Instant down = Instant.now();
        FaultRecord fault = cluster.sim().inject(FaultSpec.of(FaultKind.DOWN, sick.id(), null));
        await("the agent's alert in Alertmanager")
            .atMost(Duration.ofSeconds(15))
            .pollInterval(Duration.ofMillis(200))
            .ignoreExceptions()
            .until(() -> alertmanager.active().contains("MesosAgentUnreachable " + sick.id()));
        Instant seen = Instant.now();
        Instant decided =
            kafka.readAll(Topics.HEALTH_TRANSITIONS).stream()
                .map(r -> r.value())
                .filter(t -> t.getNode().getId().equals(sick.id()) && t.getAt().isAfter(down))
                .filter(t -> t.getTo() == HealthStatus.UNREACHABLE)
                .map(HealthTransition::getAt)
                .findFirst()
                .orElseThrow();
        System.out.println(
            "alert: detected "
                + Duration.between(down, decided).toMillis()
                + " ms after the agent went down, in Alertmanager "
                + Duration.between(decided, seen).toMillis()
                + " ms after that");
        assertThat(Duration.between(decided, seen))
            .as("in Alertmanager within 2 s of the deciding poll (seen to 200 ms)")
            .isLessThanOrEqualTo(Duration.ofMillis(2_200));
        JsonNode labels = alertmanager.alerts().get(0).path("labels");
        assertThat(labels.path("cluster").asText()).isEqualTo("blind");
        assertThat(labels.path("hostname").asText()).isEqualTo(sick.hostname());
        assertThat(labels.path("severity").asText()).isEqualTo("critical");
        await("the shipped Prometheus rule fires too, on the processor's own series")
            .atMost(PrometheusProcess.READY)
            .ignoreExceptions()
            .until(() -> prometheus.firing().contains("MesosAgentUnreachable " + sick.id()));
        cluster.sim().clear(fault.id());
        await("its alert resolved when it is back")
            .atMost(Duration.ofSeconds(15))
            .ignoreExceptions()
            .until(() -> alertmanager.active().isEmpty());

        // then a planned outage: a maintenance window on one agent's machine, an hour ahead
        String victimId = endpoints.values().iterator().next().getAgentId();
        SimAgent victim =
            cluster.sim().cluster().agents().stream()
                .filter(a -> a.id().equals(victimId))
                .findFirst()
                .orElseThrow();
        Set<String> victimServers =
            endpoints.values().stream()
                .filter(e -> victimId.equals(e.getAgentId()))
                .map(e -> e.getIp() + ":" + e.getPort())
                .collect(Collectors.toSet());
        Set<String> others = new java.util.HashSet<>(tasks);
        others.removeAll(victimServers);
        String leader = "http://" + cluster.sim().cluster().leader().orElseThrow().hostPort();
        String machine = MaintenanceRequests.machine(victim);
        assertThat(
                post(
                    leader + "/maintenance/schedule",
                    MaintenanceRequests.schedule(
                        victim, Instant.now().plus(Duration.ofHours(1)), Duration.ofHours(1))))
            .isEqualTo(200);
        await("its servers drained an hour before the window; every other one in rotation")
            .atMost(Duration.ofSeconds(20))
            .until(() -> drained(api).equals(victimServers) && ready(api).equals(others));

        assertThat(post(leader + "/machine/down", "[" + machine + "]")).isEqualTo(200);
        await("DOWN: Marathon's replacements in rotation, none on the machine")
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> {
                  Set<String> now = ready(api);
                  return now.size() == tasks.size()
                      && now.containsAll(others)
                      && java.util.Collections.disjoint(now, victimServers);
                });
        assertThat(post(leader + "/machine/up", "[" + machine + "]")).isEqualTo(200);
        await("UP: the agent HEALTHY again")
            .atMost(Duration.ofSeconds(30))
            .ignoreExceptions()
            .until(() -> healthyAgents(processor) == AGENTS);
        assertThat(
                kafka.readAll(Topics.HEALTH_TRANSITIONS).stream()
                    .map(r -> r.value())
                    .filter(t -> t.getNode().getId().equals(victimId))
                    .map(t -> t.getTo()))
            .as("the planned outage raised no alarm")
            .doesNotContain(HealthStatus.UNREACHABLE, HealthStatus.UNHEALTHY, HealthStatus.GONE);
      }
    }
  }

  private static HaproxyProcess haproxyStarted(HaproxyProcess haproxy) throws Exception {
    haproxy.start();
    return haproxy;
  }

  private AlerterMain startAlerter(AlertmanagerProcess alertmanager, ProcessorMain processor) {
    Map<String, String> c = new HashMap<>();
    c.put(SharedConfig.KAFKA_BOOTSTRAP_SERVERS, kafka.bootstrapServers());
    c.put("alertmanager.urls", alertmanager.url());
    c.put("processor.url", processor.apiUrl());
    c.put(SharedConfig.RECONCILE_INTERVAL, "1s");
    c.put(SharedConfig.ADMIN_PORT, "0");
    c.put(SharedConfig.CLUSTER_NAME, "blind");
    return AlerterMain.start(AlerterConfig.fromFlags(c));
  }

  private HaproxyUpdaterMain startUpdater(HaproxyProcess haproxy) {
    Map<String, String> c = new HashMap<>();
    c.put(SharedConfig.KAFKA_BOOTSTRAP_SERVERS, kafka.bootstrapServers());
    c.put("haproxy.sockets", haproxy.socket());
    c.put(SharedConfig.RECONCILE_INTERVAL, "1s");
    c.put(SharedConfig.ADMIN_PORT, "0");
    c.put(SharedConfig.CLUSTER_NAME, "blind");
    return HaproxyUpdaterMain.start(HaproxyUpdaterConfig.fromFlags(c));
  }

  private CollectorMain startCollector() {
    return CollectorMain.start(
        CollectorConfig.fromFlags(
            PipelineFlags.collector(
                "blind", cluster.sim(), kafka.bootstrapServers(), PipelineFlags.Pace.TESTS, 3)));
  }

  private ProcessorMain startProcessor() throws Exception {
    return ProcessorMain.start(
        ProcessorConfig.fromFlags(
            PipelineFlags.processor(
                "blind-processor",
                kafka.bootstrapServers(),
                PipelineFlags.Pace.TESTS,
                3,
                TempDirs.create("processor-blind-"))));
  }
}
