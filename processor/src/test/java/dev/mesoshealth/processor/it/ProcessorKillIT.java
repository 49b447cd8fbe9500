package dev.mesoshealth.processor.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesoshealth.events.HealthTransition;
import dev.mesoshealth.events.MetricSnapshot;
import dev.mesoshealth.processor.ProcessorConfig;
import dev.mesoshealth.processor.ProcessorMain;
import dev.mesoshealth.schemas.topics.Topics;
import dev.mesoshealth.service.SharedConfig;
import dev.mesoshealth.testkit.KafkaBrokerExtension;
import dev.mesoshealth.testkit.TempDirs;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A processor JVM killed without warning (SIGKILL, while it works through a burst of input: no
 * shutdown, no final commit, its state directory left locked) and a new one started in its place:
 * the node transitions equal those of an uninterrupted run over the same input, one agent's equal
 * those worked out by hand, and the cluster's form one unbroken chain. Exactly-once holds: what the
 * killed one wrote in an unfinished transaction is never seen, and nothing is lost.
 */
class ProcessorKillIT {
  @RegisterExtension static final KafkaBrokerExtension kafka = new KafkaBrokerExtension();

  private static final int AGENTS = 100;
  private static final int ROUNDS = 60;

  private static Map<String, String> flags(Path stateDir) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put(SharedConfig.KAFKA_BOOTSTRAP_SERVERS, kafka.bootstrapServers());
    p.put("application.id", "kill");
    p.put(SharedConfig.POLL_INTERVAL, "60s");
    p.put("topics.partitions", "3");
    p.put("api.port", "0");
    p.put("state.dir", stateDir.toString());
    return p;
  }

  @Test
  void aKilledProcessorsReplacementEmitsExactlyTheTransitionsOfAnUninterruptedRun()
      throws Exception {
    kafka.createTopics(Topics.all(), 3);
    // an hour ahead of the wall clock: once its input stops the processor judges silence by the
    // wall clock, and a slow run would otherwise see every node go silent before it was checked
    Instant base = Instant.now().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.MILLIS);
    List<MetricSnapshot> all = Inputs.rounds("K", AGENTS, 0, ROUNDS, base);
    List<String> expected =
        UninterruptedRun.transitions(all).stream().filter(t -> !t.startsWith("cluster:")).toList();
    assertThat(expected).as("the input makes transitions").hasSizeGreaterThan(100);

    produce(all); // all of it waiting, so the kill comes while there is work left

    Path stateDir = TempDirs.create("kill-");
    Process victim = ProcessorProcessMain.spawn(flags(stateDir), stateDir.resolve("victim.log"));
    try {
      kafka.consumeUntil(
          Topics.HEALTH_TRANSITIONS,
          seen -> seen.size() >= 10,
          Duration.ofSeconds(90),
          "transitions from the processor that will be killed");
    } finally {
      victim.destroyForcibly(); // SIGKILL in the middle of the backlog
      victim.waitFor();
    }

    // the replacement works in the same state directory the killed one left behind
    try (ProcessorMain replacement =
        ProcessorMain.start(ProcessorConfig.fromFlags(flags(stateDir)))) {
      kafka.awaitCommitted("kill", Topics.METRIC_SNAPSHOTS.name(), Duration.ofSeconds(120));
      List<ConsumerRecord<String, HealthTransition>> records =
          kafka.readAll(Topics.HEALTH_TRANSITIONS);
      List<String> actual =
          records.stream()
              .filter(r -> !r.key().startsWith("cluster:"))
              .map(r -> UninterruptedRun.describe(r.key(), r.value()))
              .sorted()
              .toList();
      assertThat(actual)
          .as("node transitions after a SIGKILL: no duplicate, none missing")
          .containsExactlyElementsOf(expected);
      assertThat(actual)
          .as("agent 3's transitions, worked out by hand")
          .filteredOn(t -> t.startsWith(Inputs.agentId("K", 3) + " "))
          .containsExactlyInAnyOrderElementsOf(Expected.agent3("K", base, ROUNDS));
      Expected.assertClusterChain(records, "cluster:K");
      assertThat(replacement.evaluations()).as("the replacement did part of the work").isPositive();
    }
  }

  private static void produce(List<MetricSnapshot> snapshots) {
    List<Map.Entry<String, MetricSnapshot>> records = new ArrayList<>();
    for (MetricSnapshot s : snapshots) {
      records.add(new SimpleEntry<>(s.getNode().getId(), s));
    }
    kafka.produce(Topics.METRIC_SNAPSHOTS, records);
  }
}
