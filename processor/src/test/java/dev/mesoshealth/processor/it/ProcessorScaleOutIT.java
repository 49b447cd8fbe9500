package dev.mesoshealth.processor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mesoshealth.broker.EmbeddedKafkaBroker;
import dev.mesoshealth.events.MetricSnapshot;
import dev.mesoshealth.processor.ProcessorConfig;
import dev.mesoshealth.processor.ProcessorMain;
import dev.mesoshealth.schemas.topics.Topics;
import dev.mesoshealth.service.SharedConfig;
import dev.mesoshealth.testkit.KafkaBrokerExtension;
import dev.mesoshealth.testkit.ProcessorRest;
import dev.mesoshealth.testkit.TempDirs;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two processor instances share the work and either answers for every node. Then one dies without
 * warning (its JVM killed with SIGKILL: no goodbye to the group, its API gone mid-answer): the
 * survivor keeps answering, 200 or 503 with Retry-After and never a 500, and takes the dead one's
 * work over within the group's session timeout plus a rebalance. Both want a token, so every answer
 * about a node the other instance owns is a forwarded query that carried it.
 */
class ProcessorScaleOutIT {
  @RegisterExtension static final KafkaBrokerExtension kafka = new KafkaBrokerExtension();

  private static final int AGENTS = 24;
  private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(6);
  // every route wants it, so an answer about a node the other instance owns shows that the
  // forwarded query carried it
  private static final String TOKEN = "scale-out-token";

  private static ProcessorRest.Answer get(String url) {
    return ProcessorRest.get(url, TOKEN);
  }

  static Map<String, String> flags(String stateDir, int apiPort) {
    Map<String, String> p = new HashMap<>();
    p.put(SharedConfig.KAFKA_BOOTSTRAP_SERVERS, kafka.bootstrapServers());
    p.put("kafka.session.timeout.ms", Long.toString(SESSION_TIMEOUT.toMillis()));
    p.put("kafka.heartbeat.interval.ms", "1000");
    p.put("application.id", "scale-out");
    p.put(SharedConfig.POLL_INTERVAL, "60s");
    p.put("topics.partitions", "4");
    p.put("api.port", Integer.toString(apiPort));
    p.put("api.token", TOKEN);
    p.put("num.standby.replicas", "1");
    p.put("state.dir", stateDir);
    return p;
  }

  private static List<String> nodeIds() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < AGENTS; i++) {
      ids.add(Inputs.agentId("X", i));
    }
    for (int m = 0; m < 3; m++) {
      ids.add(Inputs.masterId("X", m));
    }
    return ids;
  }

  @Test
  void eitherInstanceAnswersForEveryNodeAndTheSurvivorTakesOver() throws Exception {
    kafka.createTopics(Topics.all(), 4);
    List<Map.Entry<String, MetricSnapshot>> input = new ArrayList<>();
    for (MetricSnapshot s : Inputs.rounds("X", AGENTS, 0, 3, Instant.now())) {
      input.add(new SimpleEntry<>(s.getNode().getId(), s));
    }
    kafka.produce(Topics.METRIC_SNAPSHOTS, input);

    Path victimDir = TempDirs.create("proc-a");
    int victimPort = EmbeddedKafkaBroker.freePort();
    Process victim =
        ProcessorProcessMain.spawn(
            flags(victimDir.toString(), victimPort), victimDir.resolve("victim.log"));
    String victimApi = "http://127.0.0.1:" + victimPort;
    try (ProcessorMain b =
        ProcessorMain.start(
            ProcessorConfig.fromFlags(flags(TempDirs.create("proc-b").toString(), 0)))) {
      await("both instances RUNNING with the work split")
          .atMost(Duration.ofSeconds(90))
          .until(
              () ->
                  b.streams().state() == KafkaStreams.State.RUNNING
                      && b.streams().metadataForAllStreamsClients().size() == 2
                      && b.streams().metadataForAllStreamsClients().stream()
                          .allMatch(m -> !m.topicPartitions().isEmpty()));
      for (String api : List.of(victimApi, b.apiUrl())) {
        await("every node answered by " + api)
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    nodeIds().stream()
                        .allMatch(id -> "HEALTHY".equals(ProcessorRest.state(api, id, TOKEN))));
        await("the list from " + api + " gathers both instances, complete")
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> {
                  JsonNode list = get(api + "/v1/nodes?cluster=X").body();
                  return list.get("complete").asBoolean()
                      && list.get("count").asInt() == AGENTS + 3;
                });
        assertThat(get(api + "/v1/clusters/X/health").status()).isEqualTo(200);
        assertThat(ProcessorRest.get(api + "/v1/clusters/X/health").status())
            .as("no token: refused")
            .isEqualTo(401);
        assertThat(ProcessorRest.get(api + "/v1/clusters/X/health", "wrong").status())
            .as("a wrong token: refused")
            .isEqualTo(401);
      }

      String survivor = b.apiUrl();
      AtomicBoolean watching = new AtomicBoolean(true);
      List<Integer> statuses = java.util.Collections.synchronizedList(new ArrayList<>());
      // the sizes of the lists that said they were complete
      List<Integer> completeLists = java.util.Collections.synchronizedList(new ArrayList<>());
      Thread watcher =
          new Thread(
              () -> {
                while (watching.get()) {
                  for (String id : nodeIds()) {
                    ProcessorRest.Answer r = get(survivor + "/v1/nodes/" + id + "/health");
                    boolean retryAfter =
                        r.raw() != null && r.raw().headers().firstValue("Retry-After").isPresent();
                    // a 503 without Retry-After is recorded as -503, so the assertion sees it
                    statuses.add(r.status() == 503 && !retryAfter ? -503 : r.status());
                  }
                  ProcessorRest.Answer list = get(survivor + "/v1/nodes?cluster=X");
                  if (list.status() == 200 && list.body().get("complete").asBoolean()) {
                    completeLists.add(list.body().get("count").asInt());
                  }
                }
              });
      watcher.start();
      long killed = System.nanoTime();
      victim.destroyForcibly(); // SIGKILL
      victim.waitFor();
      await("the survivor owns all the work")
          .atMost(Duration.ofSeconds(90))
          .until(
              () ->
                  b.streams().state() == KafkaStreams.State.RUNNING
                      && b.streams().metadataForAllStreamsClients().size() == 1);
      Duration takeover = Duration.ofNanos(System.nanoTime() - killed);
      await("the survivor answers for every node alone")
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  nodeIds().stream()
                      .allMatch(
                          id -> get(survivor + "/v1/nodes/" + id + "/health").status() == 200));
      // so the check below is never over an empty list: at least one complete list was read
      await("the watcher reads a list that says it is complete")
          .atMost(Duration.ofSeconds(30))
          .until(() -> !completeLists.isEmpty());
      watching.set(false);
      watcher.join();
      System.out.println(
          "takeover by the surviving instance: "
              + takeover.toMillis()
              + " ms (session timeout "
              + SESSION_TIMEOUT.toMillis()
              + " ms), "
              + statuses.size()
              + " queries during it, "
              + statuses.stream().filter(s -> s == 503).count()
              + " of them 503");
      assertThat(statuses)
          .as("during the takeover: answers or 503 with Retry-After, never a 500")
          .isNotEmpty()
          .allMatch(s -> s == 200 || s == 503);
      assertThat(takeover)
          .as("within the session timeout plus a rebalance")
          .isLessThan(SESSION_TIMEOUT.plusSeconds(30));
      assertThat(completeLists)
          .as("a list that says it is complete has every node, even mid-takeover")
          .isNotEmpty()
          .allMatch(n -> n == AGENTS + 3);
      await("the survivor lists every node, complete")
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                JsonNode list = get(survivor + "/v1/nodes?cluster=X").body();
                return list.get("complete").asBoolean() && list.get("count").asInt() == AGENTS + 3;
              });
    } finally {
      victim.destroyForcibly();
    }
  }
}
