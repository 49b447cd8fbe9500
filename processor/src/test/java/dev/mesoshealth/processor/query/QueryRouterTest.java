package dev.mesoshealth.processor.query;

import static dev.mesoshealth.processor.query.ProcessorApiTest.ids;
import static dev.mesoshealth.processor.topology.TopologyHarness.t;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mesoshealth.events.Outcome;
import dev.mesoshealth.processor.topology.TopologyHarness;
import dev.mesoshealth.service.AdminServer;
import dev.mesoshealth.service.HttpApi;
import dev.mesoshealth.service.HttpAuth;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two processor instances, each with its own stores (filled by the real topology) and REST server
 * on a real loopback port, and a placement the test sets: a key held by the other instance is
 * fetched from it with the shared token, a list is gathered from both, and an instance that does
 * not answer is a 503 or an incomplete list, or (with {@code query.allow.stale}) a local copy
 * marked stale.
 */
class QueryRouterTest {
  private static final String TOKEN = "s3cret";
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<Instance> instances = new ArrayList<>();

  /** One instance: its topology, its view of Streams, its server. */
  private final class Instance {
    final TopologyHarness topology = new TopologyHarness();
    final AdminServer.Listener listener = AdminServer.listen("127.0.0.1", 0);
    final HostInfo host = new HostInfo("127.0.0.1", listener.port());
    final DriverStreams streams = new DriverStreams(topology.driver, host);
    AdminServer server;

    Instance() {
      instances.add(this);
    }

    void serve(boolean allowStale) {
      ProcessorApi api =
          new ProcessorApi(
              streams,
              host,
              TOKEN,
              allowStale,
              topology.settings,
              Clock.fixed(t(180), ZoneOffset.UTC));
      server =
          AdminServer.start(
              listener,
              api.routes(),
              HttpAuth.bearer(TOKEN),
              Map.of(),
              () -> true,
              new PrometheusRegistry(),
              2);
    }

    HttpResponse<String> get(String path, String token) throws Exception {
      HttpRequest.Builder r =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + host.port() + path));
      if (token != null) {
        r.header("Authorization", "Bearer " + token);
      }
      return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode json(String path, int status) throws Exception {
      HttpResponse<String> r = get(path, TOKEN);
      assertThat(r.statusCode()).as("%s: %s", path, r.body()).isEqualTo(status);
      return HttpApi.JSON.readTree(r.body());
    }
  }

  /** A holds a1, B holds b1 (B's copy is the fresher), A a standby copy of b1. */
  private Instance[] twoInstances(boolean allowStale) {
    Instance a = new Instance();
    Instance b = new Instance();
    a.topology.agent("a1", t(5), TopologyHarness.healthyAgentMetrics());
    a.topology.agent("b1", t(5), TopologyHarness.healthyAgentMetrics());
    b.topology.agent("b1", t(5), TopologyHarness.healthyAgentMetrics());
    b.topology.agentFailed("b1", t(35), Outcome.UNREACHABLE, 100, 1);
    b.topology.agentFailed("b1", t(65), Outcome.UNREACHABLE, 100, 1);
    for (Instance i : List.of(a, b)) {
      i.streams.instances.clear();
      i.streams.instances.addAll(List.of(a.host, b.host));
      i.streams.place("a1", a.host);
      i.streams.place("b1", b.host, a.host);
      i.serve(allowStale);
    }
    return new Instance[] {a, b};
  }

  @AfterEach
  void close() {
    for (Instance i : instances) {
      if (i.server != null) {
        i.server.close();
      }
      i.topology.close();
    }
  }

  @Test
  void aKeyHeldByTheOtherInstanceIsFetchedFromItWithTheToken() throws Exception {
    Instance[] ab = twoInstances(false);
    Instance a = ab[0];
    Instance b = ab[1];
    assertThat(b.get("/v1/nodes/b1/health", null).statusCode())
        .as("B refuses a request without the token")
        .isEqualTo(401);

    JsonNode b1 = a.json("/v1/nodes/b1/health", 200);
    assertThat(b1.path("state").asText()).as("B's copy, not A's standby").isEqualTo("UNREACHABLE");
    assertThat(a.get("/v1/nodes/b1/health", TOKEN).headers().firstValue(QueryRouter.STALE))
        .isEmpty();
    assertThat(b.json("/v1/nodes/a1/health", 200).path("state").asText()).isEqualTo("HEALTHY");
    assertThat(b.json("/v1/nodes/b1/history", 200).path("minutes")).isNotEmpty();
  }

  @Test
  void aForwardedRequestIsAnsweredWhereItLandsNeverForwardedAgain() throws Exception {
    Instance a = twoInstances(false)[0];
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + a.host.port() + "/v1/nodes/b1/health"))
                .header("Authorization", "Bearer " + TOKEN)
                .header(QueryRouter.FORWARDED, "1")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(HttpApi.JSON.readTree(r.body()).path("state").asText())
        .as("A's own copy")
        .isEqualTo("HEALTHY");
  }

  @Test
  void aListIsGatheredFromEveryInstanceOneEntryPerNode() throws Exception {
    Instance[] ab = twoInstances(false);
    for (Instance i : ab) {
      JsonNode nodes = i.json("/v1/nodes", 200);
      assertThat(nodes.path("complete").asBoolean()).isTrue();
      assertThat(ids(nodes.path("nodes"))).containsExactly("a1", "b1");
      assertThat(nodes.path("nodes").get(1).path("state").asText())
          .as("of two copies of b1, the one evaluated last")
          .isEqualTo("UNREACHABLE");
    }
    assertThat(ids(ab[0].json("/v1/nodes?scope=local", 200).path("nodes")))
        .as("scope=local: this instance's stores only")
        .containsExactly("a1", "b1");
    assertThat(ab[0].json("/v1/nodes?scope=local&state=UNREACHABLE", 200).path("nodes")).isEmpty();
  }

  @Test
  void anInstanceThatDoesNotAnswerMakesA503OrAnIncompleteList() throws Exception {
    Instance[] ab = twoInstances(false);
    Instance a = ab[0];
    ab[1].server.close();
    ab[1].server = null;

    HttpResponse<String> b1 = a.get("/v1/nodes/b1/health", TOKEN);
    assertThat(b1.statusCode()).as(b1.body()).isEqualTo(503);
    assertThat(b1.headers().firstValue("Retry-After")).hasValue("2");
    JsonNode nodes = a.json("/v1/nodes", 200);
    assertThat(nodes.path("complete").asBoolean()).isFalse();
    assertThat(nodes.path("unanswered").toString()).contains(":" + ab[1].host.port());
    assertThat(a.json("/v1/nodes/a1/health", 200).path("state").asText()).isEqualTo("HEALTHY");
  }

  @Test
  void aListReadAcrossATakeoverIsIncompleteNeverCompleteWithAPartitionMissing() throws Exception {
    Instance[] ab = twoInstances(false);
    Instance a = ab[0];
    // B dies and A takes over its partition while A reads its own store: what A read is from
    // before the takeover, though when it is done A is alone and up to date
    a.streams.onStoreOpened =
        () -> {
          a.streams.onStoreOpened = () -> {};
          a.streams.instances.remove(ab[1].host);
          a.streams.lags.put(1, 0L);
        };

    JsonNode during = a.json("/v1/nodes", 200);
    assertThat(during.path("complete").asBoolean()).as(during.toString()).isFalse();
    assertThat(during.path("unanswered").toString()).contains("(rebalancing)");
    JsonNode after = a.json("/v1/nodes", 200);
    assertThat(after.path("complete").asBoolean()).as("read after it: complete").isTrue();
  }

  @Test
  void withStaleReadsAllowedALocalCopyAnswersAndSaysItIsStale() throws Exception {
    Instance[] ab = twoInstances(true);
    Instance a = ab[0];
    HttpResponse<String> fresh = a.get("/v1/nodes/b1/health", TOKEN);
    assertThat(fresh.headers().firstValue(QueryRouter.STALE)).as("B answered").isEmpty();

    ab[1].server.close();
    ab[1].server = null;
    HttpResponse<String> stale = a.get("/v1/nodes/b1/health", TOKEN);
    assertThat(stale.statusCode()).as(stale.body()).isEqualTo(200);
    assertThat(HttpApi.JSON.readTree(stale.body()).path("state").asText()).isEqualTo("HEALTHY");
    assertThat(stale.headers().firstValue(QueryRouter.STALE)).get().asString().contains("b1");
  }
}
