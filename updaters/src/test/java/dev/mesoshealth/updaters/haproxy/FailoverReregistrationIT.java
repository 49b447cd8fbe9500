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
import dev.mesoshealth.sim.cluster.FaultSpec;
import dev.mesoshealth.sim.cluster.SimAgent;
import dev.mesoshealth.testkit.KafkaBrokerExtension;
import dev.mesoshealth.testkit.SimulatorExtension;
import dev.mesoshealth.testkit.TempDirs;
import dev.mesoshealth.updaters.etcd.EtcdProcess;
import dev.mesoshealth.updaters.etcd.EtcdUpdaterConfig;
import dev.mesoshealth.updaters.etcd.EtcdUpdaterMain;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A master failover as real Mesos does it, under the whole pipeline, a real HAProxy and a real
 * etcd: the new leader knows its 300 agents from the registry only (recovered_slaves) and they
 * re-register over a minute, each disconnected (slave/registered 0) until then. No agent may go
 * GONE or bad, no server leave rotation, no etcd service record change; the one agent that is down
 * never re-registers, is removed by the master when agent_reregister_timeout runs out, and only
 * then is GONE.
 */
class FailoverReregistrationIT {
  /**
   * 30 polls a second and a /master/slaves of 300 agents every 5 s: light enough to share two cores
   * with the rest of the build without starving the pipeline it judges (at 1,000 agents the drill
   * cost twice the CPU and was the one that failed when the build ran late).
   */
  private static final PipelineFlags.Pace PACE =
      new PipelineFlags.Pace(Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofSeconds(2));

  private static final int AGENTS = 300;
  private static final String CLUSTER = "failover";
  private static final String ETCD_PREFIX = "/mesos-health-failover";
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension static final KafkaBrokerExtension kafka = new KafkaBrokerExtension();

  @RegisterExtension
  static final SimulatorExtension cluster =
      new SimulatorExtension(
          SimConfig.forTests(3, AGENTS, 67).withCluster(CLUSTER).withSharedAgentSocket(true));

  @TempDir Path dir;
  private final HttpClient http = HttpClient.newHttpClient();

  private JsonNode get(String url) throws Exception {
    return JSON.readTree(
        http.send(
                HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString())
            .body());
  }

  /** Agents by state, as the processor counts them for the cluster. */
  private JsonNode agentsByState(ProcessorMain processor) throws Exception {
    return get(processor.apiUrl() + "/v1/clusters/" + CLUSTER + "/health").path("agents");
  }

  /** The updater's count of Runtime API changes, from its /metrics. */
  private double changes(HaproxyUpdaterMain updater) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create(updater.adminUrl() + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString())
        .body()
        .lines()
        .filter(l -> l.startsWith("mesos_health_haproxy_changes_total"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  private String state(ProcessorMain processor, String id) throws Exception {
    return get(processor.apiUrl() + "/v1/nodes/" + id + "/health").path("state").asText();
  }

  private static Set<String> ready(RuntimeApi api) throws Exception {
    return api.servers().stream()
        .filter(s -> !s.unset() && s.state() == AdminState.READY)
        .map(ServerState::addressAndPort)
        .collect(Collectors.toSet());
  }

  @Test
  void aFailoverWithAMinuteOfReregistrationsRaisesNoAlarmAndTheLostAgentEndsGone()
      throws Exception {
    try (CollectorMain collector = startCollector();
        ProcessorMain processor = startProcessor()) {
      await("every agent HEALTHY")
          .atMost(Duration.ofSeconds(180))
          .ignoreExceptions()
          .until(() -> agentsByState(processor).path("HEALTHY").asInt() == AGENTS);
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
      Set<String> agentsWithTasks =
          endpoints.values().stream().map(EndpointHealth::getAgentId).collect(Collectors.toSet());
      StringBuilder config = new StringBuilder();
      endpoints.values().stream()
          .collect(Collectors.groupingBy(EndpointHealth::getBackend, Collectors.counting()))
          .forEach(
              (backend, n) ->
                  config
                      .append("backend ")
                      .append(backend)
                      .append("\n  server-template slot 1-")
                      .append(n + 2)
                      .append(" 0.0.0.0:0 disabled\n"));
      try (HaproxyProcess haproxy = new HaproxyProcess(dir, config.toString())) {
        haproxy.start();
        Files.createDirectories(dir.resolve("etcd"));
        try (HaproxyUpdaterMain updater = startUpdater(haproxy);
            EtcdProcess etcd = new EtcdProcess(dir.resolve("etcd"));
            Client etcdClient = Client.builder().endpoints(etcd.url()).build();
            EtcdUpdaterMain etcdUpdater = startEtcdUpdater(etcd)) {
          RuntimeApi api = new RuntimeApi(haproxy.socket(), Duration.ofSeconds(2));
          await("every task a server in rotation")
              .atMost(Duration.ofSeconds(30))
              .untilAsserted(() -> assertThat(ready(api)).isEqualTo(tasks));

          double changes = changes(updater);
          await("etcd holds a service record per task")
              .atMost(Duration.ofSeconds(30))
              .until(() -> etcd(etcdClient, "/services/").size() == tasks.size());
          Map<String, String> services = etcd(etcdClient, "/services/");
          double etcdDeletes = metric(etcdUpdater.adminUrl(), "mesos_health_etcd_deletes_total");

          // one agent without tasks is down when the leader fails over: it never re-registers
          SimAgent lost =
              cluster.sim().cluster().agents().stream()
                  .filter(a -> !agentsWithTasks.contains(a.id()))
                  .findFirst()
                  .orElseThrow();
          Instant from = Instant.now();
          cluster
              .sim()
              .inject(new FaultSpec(FaultKind.DOWN, lost.id(), Duration.ofMinutes(10), Map.of()));
          cluster
              .sim()
              .inject(
                  new FaultSpec(
                      FaultKind.MASTER_FAILOVER,
                      null,
                      null,
                      Map.of(
                          // three poll intervals to re-register in: long enough for every
                          // agent to be polled while recovering, short enough for the build
                          "reregisterWithinSeconds", "30",
                          "slowShare", "0",
                          "reregisterTimeoutSeconds", "40")));

          await("agents re-registering, HEALTHY and saying so")
              .atMost(Duration.ofSeconds(30))
              .ignoreExceptions()
              .until(
                  () ->
                      get(processor.apiUrl() + "/v1/nodes?role=agent&limit=1000")
                          .path("nodes")
                          .findValuesAsText("rule")
                          .contains("agent.reregistering"));
          await("every agent but the lost one back, and the lost one GONE")
              .failFast(
                  "a server left rotation during the re-registrations",
                  () -> !ready(api).equals(tasks))
              .atMost(Duration.ofSeconds(120))
              .pollInterval(Duration.ofSeconds(1))
              .ignoreExceptions()
              .until(
                  () ->
                      JSON.readTree(cluster.sim().cluster().renderSlaves())
                              .path("recovered_slaves")
                              .isEmpty()
                          && "GONE".equals(state(processor, lost.id()))
                          && agentsByState(processor).path("HEALTHY").asInt() == AGENTS - 1);
          // the node's own state is GONE at once; the cluster's count follows through the
          // cluster-signals repartition topic, a moment later on a loaded machine
          await("HEALTHY the only state the cluster counts (a GONE agent is not)")
              .atMost(Duration.ofSeconds(30))
              .ignoreExceptions()
              .until(() -> agentsByState(processor).size() == 1);

          collector.stopPollingAndFlush();
          kafka.awaitCommitted(
              "failover-processor", Topics.METRIC_SNAPSHOTS.name(), Duration.ofSeconds(60));
          List<HealthTransition> bad =
              kafka.readAll(Topics.HEALTH_TRANSITIONS).stream()
                  .map(r -> r.value())
                  .filter(t -> t.getAt().isAfter(from))
                  .filter(t -> !t.getNode().getId().equals(lost.id()))
                  .filter(t -> t.getTo() != HealthStatus.HEALTHY)
                  .toList();
          assertThat(bad).as("transitions to a bad state but the lost agent's").isEmpty();
          assertThat(ready(api)).as("every server still in rotation").isEqualTo(tasks);
          assertThat(changes(updater)).as("no HAProxy change at all").isEqualTo(changes);
          assertThat(etcd(etcdClient, "/services/"))
              .as("etcd's service records through the failover")
              .isEqualTo(services);
          assertThat(metric(etcdUpdater.adminUrl(), "mesos_health_etcd_deletes_total"))
              .as("no etcd record deleted but the lost agent's health record")
              .isLessThanOrEqualTo(etcdDeletes + 1);
          Map<String, String> health = etcd(etcdClient, "/health/agents/");
          String lostRecord = health.remove(ETCD_PREFIX + "/health/agents/" + lost.id());
          assertThat(lostRecord)
              .as("the lost agent's health record")
              .contains("\"state\":\"GONE\"");
          assertThat(health)
              .as("every other agent's health record HEALTHY")
              .hasSize(AGENTS - 1)
              .allSatisfy((k, v) -> assertThat(v).contains("\"state\":\"HEALTHY\""));
        }
      }
    }
  }

  private EtcdUpdaterMain startEtcdUpdater(EtcdProcess etcd) {
    Map<String, String> c = new HashMap<>();
    c.put(SharedConfig.CLUSTER_NAME, CLUSTER);
    c.put(SharedConfig.KAFKA_BOOTSTRAP_SERVERS, kafka.bootstrapServers());
    c.put("etcd.endpoints", etcd.url());
    c.put("etcd.prefix", ETCD_PREFIX);
    c.put(SharedConfig.RECONCILE_INTERVAL, "5s");
    c.put(SharedConfig.ADMIN_PORT, "0");
    return EtcdUpdaterMain.start(EtcdUpdaterConfig.fromFlags(c));
  }

  /** The records under the prefix and the given subpath, key to value. */
  private static Map<String, String> etcd(Client client, String under) throws Exception {
    Map<String, String> out = new TreeMap<>();
    for (KeyValue kv :
        client
            .getKVClient()
            .get(
                ByteSequence.from(ETCD_PREFIX + under, StandardCharsets.UTF_8),
                GetOption.builder().isPrefix(true).build())
            .get(10, TimeUnit.SECONDS)
            .getKvs()) {
      out.put(
          kv.getKey().toString(StandardCharsets.UTF_8),
          kv.getValue().toString(StandardCharsets.UTF_8));
    }
    return out;
  }

  /** A counter's value from a service's Prometheus /metrics. */
  private double metric(String adminUrl, String name) throws Exception {
    String body =
        http.send(
                HttpRequest.newBuilder(URI.create(adminUrl + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    return body.lines()
        .filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  private HaproxyUpdaterMain startUpdater(HaproxyProcess haproxy) {
    Map<String, String> c = new HashMap<>();
    c.put(SharedConfig.KAFKA_BOOTSTRAP_SERVERS, kafka.bootstrapServers());
    c.put("haproxy.sockets", haproxy.socket());
    c.put(SharedConfig.RECONCILE_INTERVAL, "1s");
    c.put(SharedConfig.ADMIN_PORT, "0");
    c.put(SharedConfig.CLUSTER_NAME, CLUSTER);
    return HaproxyUpdaterMain.start(HaproxyUpdaterConfig.fromFlags(c));
  }

  private CollectorMain startCollector() {
    Map<String, String> c =
        PipelineFlags.collector(CLUSTER, cluster.sim(), kafka.bootstrapServers(), PACE, 3);
    // The simulated agents share two cores with the build: one starved for a second is the
    // machine's fault, not the agent's, and this drill has no hung agent to fail fast
    c.put("http.agent.timeout", PACE.httpTimeout().toMillis() + "ms");
    // The masters and /master/slaves get the product's deadline: a starved simulator took over
    // 2 s to render 1,000 agents in a failed run, and while that read fails the processor does not
    // learn that agents answering "not registered" are re-registering (agent.unregistered)
    c.put("http.timeout", "5s");
    return CollectorMain.start(CollectorConfig.fromFlags(c));
  }

  private ProcessorMain startProcessor() throws Exception {
    return ProcessorMain.start(
        ProcessorConfig.fromFlags(
            PipelineFlags.processor(
                "failover-processor",
                kafka.bootstrapServers(),
                PACE,
                3,
                TempDirs.create("processor-failover-"))));
  }
}
