package dev.mesoshealth.processor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mesoshealth.events.MetricSnapshot;
import dev.mesoshealth.processor.ProcessorConfig;
import dev.mesoshealth.processor.ProcessorMain;
import dev.mesoshealth.schemas.topics.Topics;
import dev.mesoshealth.service.ServiceConfig;
import dev.mesoshealth.testkit.KafkaBrokerExtension;
import java.nio.file.Files;
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
 * Two processor instances share the work; either answers for every node; one survives the other.
 */
class ProcessorScaleOutIT {
  @RegisterExtension static final KafkaBrokerExtension kafka = new KafkaBrokerExtension();

  private static final int AGENTS = 24;

  static ProcessorMain instance(String stateDir) {
    Map<String, String> p = new HashMap<>();
    p.put("kafka.bootstrap.servers", kafka.bootstrapServers());
    p.put("application.id", "scale-out");
    p.put("poll.interval", "60s");
    p.put("topics.partitions", "4");
    p.put("api.port", "0");
    p.put("num.standby.replicas", "1");
    p.put("state.dir", stateDir);
    return ProcessorMain.start(
        ProcessorConfig.from(
            ServiceConfig.parse(
                ProcessorConfig.DEFINITION,
                new ServiceConfig.Sources().flags(p),
                ProcessorConfig.PASS_THROUGH)));
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

    ProcessorMain a = instance(Files.createTempDirectory("proc-a").toString());
    try (ProcessorMain b = instance(Files.createTempDirectory("proc-b").toString())) {
      await("both instances RUNNING with the work split")
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  a.streams().state() == KafkaStreams.State.RUNNING
                      && b.streams().state() == KafkaStreams.State.RUNNING
                      && !a.streams()
                          .metadataForLocalThreads()
                          .iterator()
                          .next()
                          .activeTasks()
                          .isEmpty()
                      && !b.streams()
                          .metadataForLocalThreads()
                          .iterator()
                          .next()
                          .activeTasks()
                          .isEmpty());
      for (String api : List.of(a.apiUrl(), b.apiUrl())) {
        await("every node answered by " + api)
            .atMost(Duration.ofSeconds(30))
            .until(() -> nodeIds().stream().allMatch(id -> "HEALTHY".equals(Rest.state(api, id))));
        Rest.Answer list = Rest.get(api + "/v1/nodes?cluster=X");
        assertThat(list.body().get("count").asInt())
            .as("the list gathers both instances")
            .isEqualTo(AGENTS + 3);
        assertThat(list.body().get("complete").asBoolean()).isTrue();
        assertThat(Rest.get(api + "/v1/clusters/X/health").status()).isEqualTo(200);
      }

      String survivor = b.apiUrl();
      AtomicBoolean watching = new AtomicBoolean(true);
      List<Integer> statuses = java.util.Collections.synchronizedList(new ArrayList<>());
      Thread watcher =
          new Thread(
              () -> {
                while (watching.get()) {
                  for (String id : nodeIds()) {
                    Rest.Answer r = Rest.get(survivor + "/v1/nodes/" + id + "/health");
                    statuses.add(r.status());
                    if (r.status() == 503) {
                      assertThat(r.raw().headers().firstValue("Retry-After")).isPresent();
                    }
                  }
                }
              });
      watcher.start();
      long killed = System.nanoTime();
      a.close();
      await("the survivor answers for every node alone")
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  nodeIds().stream()
                      .allMatch(
                          id ->
                              Rest.get(survivor + "/v1/nodes/" + id + "/health").status() == 200));
      Duration takeover = Duration.ofNanos(System.nanoTime() - killed);
      watching.set(false);
      watcher.join();
      System.out.println(
          "takeover by the surviving instance: "
              + takeover.toMillis()
              + " ms, "
              + statuses.size()
              + " queries during it");
      assertThat(statuses)
          .as("during the takeover: answers or 503 with Retry-After, never a 500")
          .allMatch(s -> s == 200 || s == 503);
      assertThat(Rest.get(survivor + "/v1/nodes?cluster=X").body().get("count").asInt())
          .isEqualTo(AGENTS + 3);
    }
  }
}
