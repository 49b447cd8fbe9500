package dev.mesoshealth.processor.query;

import static dev.mesoshealth.processor.topology.TopologyHarness.T0;
import static dev.mesoshealth.processor.topology.TopologyHarness.t;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mesoshealth.events.AgentInventory;
import dev.mesoshealth.events.Outcome;
import dev.mesoshealth.processor.topology.TopologyHarness;
import dev.mesoshealth.service.HttpApi;
import dev.mesoshealth.service.HttpApi.Response;
import dev.mesoshealth.testkit.SampleEvents;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The REST API of one processor instance over stores filled by the real topology (a
 * TopologyTestDriver): what each route answers, how it filters, and when it says 404, 400 or 503.
 * Forwarding between instances is {@link QueryRouterTest}'s.
 */
class ProcessorApiTest {
  private static final HostInfo SELF = new HostInfo("127.0.0.1", 1);

  private TopologyHarness topology;
  private DriverStreams streams;
  private HttpApi api;

  @BeforeEach
  void feed() {
    topology = new TopologyHarness();
    streams = new DriverStreams(topology.driver, SELF);
    // "now" is three minutes in: history's default range (the last hour) covers the feed
    Clock clock = Clock.fixed(t(180), ZoneOffset.UTC);
    api = new ProcessorApi(streams, SELF, null, false, topology.settings, clock).routes();
    for (int s = 5; s <= 125; s += 30) {
      topology.mastersRound(t(s));
      topology.agent("a1", t(s), TopologyHarness.healthyAgentMetrics());
      topology.agent("a2", t(s), TopologyHarness.healthyAgentMetrics());
    }
    // a3 stops answering: K = 2 failed polls make it UNREACHABLE; a4 has failed once
    topology.agent("a3", t(5), TopologyHarness.healthyAgentMetrics());
    topology.agentFailed("a3", t(35), Outcome.UNREACHABLE, 100, 1);
    topology.agentFailed("a3", t(65), Outcome.UNREACHABLE, 100, 1);
    topology.agent("a4", t(5), TopologyHarness.healthyAgentMetrics());
    topology.agentFailed("a4", t(35), Outcome.UNREACHABLE, 100, 1);
  }

  @AfterEach
  void close() {
    topology.close();
  }

  @Test
  void nodesListsEveryNodeWithItsStateAndFilters() throws Exception {
    JsonNode all = json(get("/v1/nodes"), 200);
    assertThat(all.path("complete").asBoolean()).isTrue();
    assertThat(all.path("count").asInt()).isEqualTo(7);
    assertThat(ids(all.path("nodes")))
        .startsWith("a1", "a2", "a3", "a4")
        .hasSize(7)
        .allMatch(id -> id.startsWith("a") || id.startsWith("master:"));

    JsonNode sick = json(get("/v1/nodes?state=UNREACHABLE"), 200);
    assertThat(ids(sick.path("nodes"))).containsExactly("a3");
    assertThat(ids(json(get("/v1/nodes?role=MASTER"), 200).path("nodes"))).hasSize(3);
    assertThat(ids(json(get("/v1/nodes?cluster=elsewhere"), 200).path("nodes"))).isEmpty();
    JsonNode limited = json(get("/v1/nodes?limit=2"), 200);
    assertThat(limited.path("count").asInt()).as("count is of every match").isEqualTo(7);
    assertThat(ids(limited.path("nodes"))).containsExactly("a1", "a2");

    assertThat(error(get("/v1/nodes?state=POORLY"), 400)).contains("state").contains("POORLY");
    assertThat(error(get("/v1/nodes?colour=red"), 400)).contains("colour");
  }

  @Test
  void oneNodesHealthCarriesItsReasonsAndWhatIsPending() throws Exception {
    JsonNode a3 = json(get("/v1/nodes/a3/health"), 200);
    assertThat(a3.path("node").path("id").asText()).isEqualTo("a3");
    assertThat(a3.path("node").path("role").asText()).isEqualTo("AGENT");
    assertThat(a3.path("state").asText()).isEqualTo("UNREACHABLE");
    assertThat(a3.path("since").asText()).isEqualTo(t(65).toString());
    assertThat(a3.path("reasons")).isNotEmpty();
    assertThat(a3.path("reasons").get(0).path("message").asText()).isNotBlank();

    JsonNode a4 = json(get("/v1/nodes/a4/health"), 200);
    assertThat(a4.path("state").asText()).as("one failure is not K").isEqualTo("HEALTHY");
    assertThat(a4.path("pending").path("state").asText()).isEqualTo("UNREACHABLE");
    assertThat(a4.path("pending").path("evaluations").asInt()).isEqualTo(1);
    assertThat(a4.path("pending").path("needed").asInt()).isEqualTo(2);
    assertThat(json(get("/v1/nodes/a1/health"), 200).has("pending")).isFalse();

    assertThat(error(get("/v1/nodes/nobody/health"), 404)).contains("nobody");
  }

  @Test
  void aNodeNotFoundWhileItsStoreRestoresIsA503ToRetryNotA404() throws Exception {
    streams.lags.put(0, 12L);
    Response restoring = get("/v1/nodes/nobody/health");
    assertThat(restoring.status()).isEqualTo(503);
    assertThat(restoring.headers()).containsEntry("Retry-After", "2");
    assertThat(error(restoring, 503)).contains("restored");
    JsonNode list = json(get("/v1/nodes"), 200);
    assertThat(list.path("complete").asBoolean())
        .as("a restoring partition may miss nodes")
        .isFalse();
    assertThat(list.path("unanswered").toString()).contains("(restoring)");
    // a node that is there is answered all the same
    assertThat(json(get("/v1/nodes/a1/health"), 200).path("state").asText()).isEqualTo("HEALTHY");
  }

  @Test
  void storesThatCannotBeReadAreA503NeverA500() throws Exception {
    streams.running = false;
    for (String path :
        List.of("/v1/nodes", "/v1/nodes/a1/health", "/v1/clusters", "/v1/capacity")) {
      Response r = get(path);
      assertThat(r.status()).as(path).isEqualTo(503);
      assertThat(r.headers()).as(path).containsEntry("Retry-After", "2");
    }
  }

  @Test
  void historyHoldsClosedMinutesAndTheOneInProgress() throws Exception {
    JsonNode h = json(get("/v1/nodes/a1/history"), 200);
    assertThat(h.path("node").asText()).isEqualTo("a1");
    List<String> starts = new ArrayList<>();
    List<Integer> evaluations = new ArrayList<>();
    for (JsonNode m : h.path("minutes")) {
      starts.add(m.path("start").asText());
      evaluations.add(m.path("evaluations").asInt());
      assertThat(m.path("worst").asText()).isEqualTo("HEALTHY");
    }
    assertThat(starts).containsExactly(T0.toString(), t(60).toString(), t(120).toString());
    assertThat(evaluations).as("polls at 5,35 | 65,95 | 125 s").containsExactly(2, 2, 1);

    JsonNode a3 = json(get("/v1/nodes/a3/history"), 200);
    assertThat(a3.path("minutes").get(1).path("worst").asText()).isEqualTo("UNREACHABLE");
    assertThat(a3.path("minutes").get(0).path("failedPolls").asInt()).isEqualTo(1);

    JsonNode narrow = json(get("/v1/nodes/a1/history?from=" + t(60) + "&to=" + t(119)), 200);
    assertThat(narrow.path("minutes")).hasSize(1);
    assertThat(error(get("/v1/nodes/a1/history?from=" + t(60) + "&to=" + T0), 400))
        .contains("after");
    assertThat(error(get("/v1/nodes/nobody/history"), 404)).contains("nobody");
  }

  @Test
  void clustersAndOneCluster() throws Exception {
    JsonNode all = json(get("/v1/clusters"), 200);
    assertThat(all.path("complete").asBoolean()).isTrue();
    assertThat(all.path("clusters")).hasSize(1);
    JsonNode prod = json(get("/v1/clusters/prod/health"), 200);
    assertThat(prod.path("id").asText()).isEqualTo("cluster:prod");
    assertThat(prod.path("masters")).hasSize(3);
    assertThat(prod.path("masters").findValuesAsText("elected")).containsOnlyOnce("true");
    assertThat(prod.path("agents").path("UNREACHABLE").asInt()).isEqualTo(1);
    assertThat(error(get("/v1/clusters/staging/health"), 404)).contains("staging");
  }

  @Test
  void aMetricsLatestValuePerNodeUnderAnySpellingOfItsName() throws Exception {
    for (String spelling : List.of("mesos.slave.tasks_running", "slave%2Ftasks_running")) {
      JsonNode one = json(get("/v1/metrics/" + spelling + "?node=a1"), 200);
      assertThat(one.path("metric").asText()).isEqualTo("mesos.slave.tasks_running");
      assertThat(one.path("values").get(0).path("value").asDouble()).isEqualTo(6.0);
      assertThat(one.path("values").get(0).path("at").asText()).isEqualTo(t(125).toString());
    }
    JsonNode every = json(get("/v1/metrics/mesos.slave.tasks_running"), 200);
    assertThat(every.path("values").findValuesAsText("node"))
        .containsExactly("a1", "a2", "a3", "a4");
    assertThat(error(get("/v1/metrics/mesos.slave.nonsense"), 404)).contains("catalogue");
    assertThat(error(get("/v1/metrics/mesos.stats.elected?node=a1"), 404)).contains("a1");
  }

  @Test
  void capacityGroupsTheirClosedMinutesAndAForecastOfARamp() throws Exception {
    // 12 minutes of inventory rounds; each agent's used cpus climb from 1 of 8 by 0.25 a round
    for (int round = 0; round < 24; round++) {
      for (String id : List.of("a1", "a2", "a3", "a4")) {
        AgentInventory a = SampleEvents.agentInventory(id);
        a.setCluster(TopologyHarness.CLUSTER);
        a.setUsed(SampleEvents.resources(1 + 0.25 * round, 4096, 1000));
        a.setObservedAt(t(5 + 30 * round));
        topology.inventory.pipeInput(id, a, t(5 + 30 * round));
      }
    }
    JsonNode groups = json(get("/v1/capacity"), 200);
    assertThat(groups.path("complete").asBoolean()).isTrue();
    assertThat(groups.path("groups").findValuesAsText("groupId"))
        .containsExactly("prod", "prod/rack=r1", "prod/zone=z1");
    assertThat(json(get("/v1/capacity?kind=ZONE"), 200).path("groups").findValuesAsText("groupId"))
        .containsExactly("prod/zone=z1");
    JsonNode open = groups.path("groups").get(0);
    assertThat(open.path("final").asBoolean()).isFalse();
    assertThat(open.path("windowStart").asText()).isEqualTo(t(660).toString());
    assertThat(open.path("agents").asInt()).isEqualTo(4);

    JsonNode history = json(get("/v1/capacity/prod?from=" + T0 + "&to=" + t(720)), 200);
    List<String> starts = history.path("points").findValuesAsText("windowStart");
    assertThat(starts).hasSize(11).startsWith(T0.toString()).endsWith(t(600).toString());
    assertThat(history.path("points").findValues("final")).allMatch(JsonNode::asBoolean);
    // minute 0 holds rounds 0 and 1: the last round's 1.25 of 8 cpus per agent
    JsonNode first = history.path("points").get(0).path("resources").get(0);
    assertThat(first.path("resource").asText()).isEqualTo("cpus");
    assertThat(first.path("used").asDouble()).isEqualTo(4 * 1.25);
    assertThat(first.path("total").asDouble()).isEqualTo(32.0);
    assertThat(history.path("now").path("final").asBoolean()).isFalse();

    JsonNode forecast = json(get("/v1/capacity/prod%2Frack%3Dr1/forecast"), 200);
    JsonNode soonest = forecast.path("soonestExhaustion");
    assertThat(soonest.path("resource").asText()).as("%s", forecast).isEqualTo("cpus");
    Instant asOf = Instant.parse(forecast.path("asOf").asText());
    Instant full = Instant.parse(soonest.path("reach100At").asText());
    assertThat(Instant.parse(soonest.path("reach90At").asText())).isBefore(full);
    // 6.75 of 8 cpus used, half a cpu more a minute: full in about 2.5 minutes
    assertThat(full).isBetween(asOf, asOf.plus(Duration.ofMinutes(5)));

    assertThat(error(get("/v1/capacity/prod%2Fzone%3Dz9"), 404)).contains("prod/zone=z9");
    assertThat(get("/v1/capacity?kind=SHELF").status()).isEqualTo(400);
  }

  // ------------------------------------------------------------------ helpers

  private Response get(String pathAndQuery) {
    return TwelveMinutes.get(api, pathAndQuery);
  }

  static JsonNode json(Response r, int status) throws Exception {
    JsonNode body = HttpApi.JSON.readTree(r.body());
    assertThat(r.status()).as("%s", body).isEqualTo(status);
    return body;
  }

  static String error(Response r, int status) throws Exception {
    return json(r, status).path("error").asText();
  }

  static List<String> ids(JsonNode nodes) {
    List<String> ids = new ArrayList<>();
    nodes.forEach(n -> ids.add(n.path("node").path("id").asText()));
    return ids;
  }
}
