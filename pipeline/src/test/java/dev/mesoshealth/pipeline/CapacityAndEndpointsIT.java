package dev.mesoshealth.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mesoshealth.collector.CollectorConfig;
import dev.mesoshealth.collector.CollectorMain;
import dev.mesoshealth.events.CapacityTrend;
import dev.mesoshealth.events.EndpointHealth;
import dev.mesoshealth.events.EndpointStatus;
import dev.mesoshealth.events.ResourceCapacity;
import dev.mesoshealth.processor.ProcessorConfig;
import dev.mesoshealth.processor.ProcessorMain;
import dev.mesoshealth.schemas.topics.Topics;
import dev.mesoshealth.sim.SimConfig;
import dev.mesoshealth.sim.cluster.FaultKind;
import dev.mesoshealth.sim.cluster.FaultRecord;
import dev.mesoshealth.sim.cluster.FaultSpec;
import dev.mesoshealth.testkit.ItFlags;
import dev.mesoshealth.testkit.KafkaBrokerExtension;
import dev.mesoshealth.testkit.ProcessorRest;
import dev.mesoshealth.testkit.SimulatorExtension;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Capacity and endpoints for real: simulator (a capacity ramp; an agent under a Marathon app going
 * down), collector, broker, processor. Checks mesos.capacity.trends and mesos.endpoints.health and
 * the REST answers. Windows are one real minute, so a final point takes up to a minute: the ramp
 * starts with the class and holds, and that minute passes while the endpoint test runs. Forecasts
 * need ten points and are tested with explicit timestamps in the topology tests.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CapacityAndEndpointsIT {
  @RegisterExtension static final KafkaBrokerExtension kafka = new KafkaBrokerExtension();

  @RegisterExtension
  static final SimulatorExtension cluster =
      new SimulatorExtension(SimConfig.forTests(3, 12, 41).withCluster("cap"));

  private static CollectorMain collector;
  private static ProcessorMain processor;
  private static String api;
  private static double before;
  private static FaultRecord ramp;
  private static Instant climbed;

  @BeforeAll
  static void start() throws Exception {
    collector =
        CollectorMain.start(
            CollectorConfig.fromFlags(
                ItFlags.collector("cap", cluster.sim(), kafka.bootstrapServers())));
    Map<String, String> p = ItFlags.processor("capacity-it", kafka.bootstrapServers());
    p.put("capacity.grace", "2s");
    p.put("capacity.group.attributes", "rack,instance_type");
    processor = ProcessorMain.start(ProcessorConfig.fromFlags(p));
    api = processor.apiUrl();
    // the ramp starts now and holds, so the wall-clock minute its check waits for runs while the
    // endpoint test does: CPU allocation climbs to 90 % in 5 s and stays there
    before = cluster.sim().cluster().cpuUsedRatio();
    ramp =
        cluster
            .sim()
            .inject(
                new FaultSpec(
                    FaultKind.CAPACITY_RAMP,
                    null,
                    Duration.ofMinutes(5),
                    Map.of("targetRatio", "0.9", "rampSeconds", "5")));
    climbed = ramp.startedAt().plusSeconds(6); // one inventory interval to spare
  }

  @AfterAll
  static void stop() {
    if (collector != null) {
      collector.close();
    }
    if (processor != null) {
      processor.close();
    }
  }

  @Test
  @Order(2)
  void aCapacityRampShowsInTheInterimViewAndTheClosedWindows() {
    await("the cluster group over REST")
        .atMost(Duration.ofSeconds(60))
        .until(() -> cpuRatio(ProcessorRest.get(api + "/v1/capacity/cap/forecast")) != null);
    // each group is its own stream of updates: they arrive in any order
    List<String> groups = new ArrayList<>();
    await("every kind of group over REST")
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              groups.clear();
              ProcessorRest.get(api + "/v1/capacity?cluster=cap")
                  .body()
                  .path("groups")
                  .forEach(g -> groups.add(g.path("groupId").asText()));
              assertThat(groups).contains("cap").anyMatch(g -> g.startsWith("cap/zone=zone-"));
              assertThat(groups).anyMatch(g -> g.startsWith("cap/rack=r"));
              assertThat(groups).anyMatch(g -> g.startsWith("cap/instance_type="));
            });
    String zone = groups.stream().filter(g -> g.startsWith("cap/zone=")).findFirst().orElseThrow();
    ProcessorRest.Answer byEncodedId =
        ProcessorRest.get(api + "/v1/capacity/" + URLEncoder.encode(zone, StandardCharsets.UTF_8));
    assertThat(byEncodedId.status()).isEqualTo(200);
    assertThat(byEncodedId.body().path("now").path("kind").asText()).isEqualTo("ZONE");

    await("the interim view follows the ramp")
        .atMost(Duration.ofSeconds(40))
        .until(
            () ->
                cpuRatio(ProcessorRest.get(api + "/v1/capacity/cap/forecast"))
                    > (before + 0.9) / 2);
    double simRatio = cluster.sim().cluster().cpuUsedRatio();
    assertThat(cpuRatio(ProcessorRest.get(api + "/v1/capacity/cap/forecast")))
        .as("processor's used ratio against the simulator's own")
        .isCloseTo(simRatio, org.assertj.core.data.Offset.offset(0.1));

    // the first final point of a minute that ended after the climb, while the allocation holds
    List<ConsumerRecord<String, CapacityTrend>> points =
        kafka.consumeUntil(
            Topics.CAPACITY_TRENDS,
            records -> records.stream().anyMatch(r -> closedAfter(r, climbed)),
            Duration.ofSeconds(100),
            "a closed one-minute window of group 'cap' that ended after the climb");
    CapacityTrend last =
        points.stream().filter(r -> closedAfter(r, climbed)).findFirst().orElseThrow().value();
    ResourceCapacity cpus = last.getResources().get(0);
    assertThat(cpus.getResource()).isEqualTo("cpus");
    assertThat(cpus.getUsedRatio())
        .as("the closed minute's used ratio (%.2f before the ramp) against the held target", before)
        .isCloseTo(
            cluster.sim().cluster().cpuUsedRatio(), org.assertj.core.data.Offset.offset(0.05));
    assertThat(last.getAgents() + last.getAgentsExcluded()).isEqualTo(12);
    assertThat(cpus.getUsedRatio()).isEqualTo(cpus.getUsed() / cpus.getTotal());
    assertThat(last.getLeaderTotal()).as("leader's totals as a cross-check").isNotNull();
    assertThat(last.getLeaderTotal().getCpus()).isEqualTo(cpus.getTotal());
    assertThat(last.getShapes()).hasSize(3);
    assertThat(cpus.getTrends()).extracting(t -> t.getHorizon()).containsExactly("PT1H", "PT24H");

    // the same point in the group's history over REST
    ProcessorRest.Answer history = ProcessorRest.get(api + "/v1/capacity/cap?from=10m");
    assertThat(history.status()).isEqualTo(200);
    List<String> windows = new ArrayList<>();
    history.body().path("points").forEach(pt -> windows.add(pt.path("windowStart").asText()));
    assertThat(windows).contains(last.getWindowStart().toString());

    // too few points for a forecast yet: said so, not guessed
    JsonNode trend =
        ProcessorRest.get(api + "/v1/capacity/cap/forecast")
            .body()
            .path("resources")
            .get(0)
            .path("trends");
    assertThat(trend.get(0).path("verdict").asText()).isEqualTo("UNDECIDED");
    assertThat(trend.get(0).path("samples").asInt()).isLessThan(10);

    assertThat(ProcessorRest.get(api + "/v1/capacity/nope").status()).isEqualTo(404);
    assertThat(ProcessorRest.get(api + "/v1/capacity/cap%2Fzone%3D%3Cx%3E").status())
        .isEqualTo(400);
    assertThat(ProcessorRest.get(api + "/v1/capacity/cap?from=tomorrow").status()).isEqualTo(400);
    cluster.sim().clear(ramp.id());
  }

  private static boolean closedAfter(ConsumerRecord<String, CapacityTrend> r, Instant at) {
    return r.key().equals("cap") && r.value().getFinal$() && !r.value().getWindowEnd().isBefore(at);
  }

  @Test
  @Order(1)
  void anAgentGoingDownTakesItsEndpointsDownAndBack() {
    AtomicReference<JsonNode> up = new AtomicReference<>();
    await("an UP endpoint over REST")
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              ProcessorRest.Answer a = ProcessorRest.get(api + "/v1/endpoints?status=UP");
              if (a.status() != 200 || a.body().path("count").asInt() == 0) {
                return false;
              }
              up.set(a.body().path("endpoints").get(0));
              return true;
            });
    String agentId = up.get().path("agentId").asText();
    String key = up.get().path("key").asText();
    assertThat(up.get().path("backend").asText()).doesNotStartWith("/").contains("_");

    FaultRecord down =
        cluster
            .sim()
            .inject(new FaultSpec(FaultKind.DOWN, agentId, Duration.ofMinutes(5), Map.of()));
    List<ConsumerRecord<String, EndpointHealth>> seen =
        kafka.consumeUntil(
            Topics.ENDPOINT_HEALTH,
            records -> latest(records, key) == EndpointStatus.DOWN,
            Duration.ofSeconds(30),
            "endpoint " + key + " DOWN after its agent went down");
    EndpointHealth downRecord =
        seen.stream()
            .filter(r -> r.key().equals(key) && r.value() != null)
            .reduce((a, b) -> b)
            .orElseThrow()
            .value();
    assertThat(downRecord.getAgentState().name()).isEqualTo("UNREACHABLE");
    assertThat(downRecord.getReasons()).isNotEmpty();
    await("every endpoint on the agent DOWN over REST")
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              ProcessorRest.Answer a = ProcessorRest.get(api + "/v1/endpoints");
              List<String> statuses = new ArrayList<>();
              a.body()
                  .path("endpoints")
                  .forEach(
                      e -> {
                        if (e.path("agentId").asText().equals(agentId)) {
                          statuses.add(e.path("status").asText());
                        }
                      });
              return !statuses.isEmpty() && statuses.stream().allMatch("DOWN"::equals);
            });

    cluster.sim().clear(down.id());
    kafka.consumeUntil(
        Topics.ENDPOINT_HEALTH,
        records -> latest(records, key) == EndpointStatus.UP,
        Duration.ofSeconds(30),
        "endpoint " + key + " UP again after its agent came back");
  }

  private static EndpointStatus latest(
      List<ConsumerRecord<String, EndpointHealth>> records, String key) {
    return records.stream()
        .filter(r -> r.key().equals(key))
        .map(r -> r.value() == null ? null : r.value().getStatus())
        .reduce((a, b) -> b)
        .filter(Objects::nonNull)
        .orElse(null);
  }

  /** The cluster group's current used CPU share from a forecast answer, or null. */
  private static Double cpuRatio(ProcessorRest.Answer forecast) {
    if (forecast.status() != 200) {
      return null;
    }
    for (JsonNode r : forecast.body().path("resources")) {
      if (r.path("resource").asText().equals("cpus")) {
        return r.path("usedRatio").asDouble();
      }
    }
    return null;
  }
}
