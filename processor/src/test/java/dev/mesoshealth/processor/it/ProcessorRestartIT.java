package dev.mesoshealth.processor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mesoshealth.events.HealthTransition;
import dev.mesoshealth.events.MetricSnapshot;
import dev.mesoshealth.processor.ProcessorConfig;
import dev.mesoshealth.processor.ProcessorMain;
import dev.mesoshealth.schemas.topics.Topics;
import dev.mesoshealth.service.SharedConfig;
import dev.mesoshealth.testkit.ItFlags;
import dev.mesoshealth.testkit.KafkaBrokerExtension;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A processor restarted mid-stream (on a fresh state directory, so it restores from the changelogs)
 * emits exactly the node transitions of an uninterrupted run over the same input: no duplicate,
 * none missing; one agent's are also checked against the transitions worked out by hand, and the
 * cluster's form one unbroken chain (see {@link Expected}).
 */
class ProcessorRestartIT {
  @RegisterExtension static final KafkaBrokerExtension kafka = new KafkaBrokerExtension();

  private static final int AGENTS = 12;
  private static final int ROUNDS = 40;

  private static ProcessorMain processor() throws Exception {
    Map<String, String> p = ItFlags.processor("restart", kafka.bootstrapServers());
    p.put(SharedConfig.POLL_INTERVAL, "60s");
    return ProcessorMain.start(ProcessorConfig.fromFlags(p));
  }

  @Test
  void restartedProcessorEmitsExactlyTheTransitionsOfAnUninterruptedRun() throws Exception {
    kafka.createTopics(Topics.all(), 3);
    // an hour ahead of the wall clock: once its input stops the processor judges silence by the
    // wall clock, and a slow run would otherwise see every node go silent before it was checked
    Instant base = Instant.now().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.MILLIS);
    List<MetricSnapshot> first = Inputs.rounds("R", AGENTS, 0, ROUNDS / 2, base);
    List<MetricSnapshot> second = Inputs.rounds("R", AGENTS, ROUNDS / 2, ROUNDS, base);
    List<MetricSnapshot> all = new ArrayList<>(first);
    all.addAll(second);
    List<String> expected = UninterruptedRun.transitions(all);
    assertThat(expected).as("the input makes transitions").hasSizeGreaterThan(30);

    produce(first);
    try (ProcessorMain p1 = processor()) {
      await("first half evaluated")
          .atMost(Duration.ofSeconds(60))
          .until(() -> p1.evaluations() >= first.size());
    }
    produce(second);
    try (ProcessorMain p2 = processor()) {
      await("second half evaluated")
          .atMost(Duration.ofSeconds(90))
          .until(() -> p2.evaluations() >= second.size());
    }

    List<String> expectedNodes = expected.stream().filter(t -> !t.startsWith("cluster:")).toList();
    List<ConsumerRecord<String, HealthTransition>> records =
        kafka.consumeUntil(
            Topics.HEALTH_TRANSITIONS,
            seen ->
                seen.stream().filter(r -> !r.key().startsWith("cluster:")).count()
                    >= expectedNodes.size(),
            Duration.ofSeconds(30),
            expectedNodes.size() + " node transitions");
    List<String> actualNodes =
        records.stream()
            .filter(r -> !r.key().startsWith("cluster:"))
            .map(r -> UninterruptedRun.describe(r.key(), r.value()))
            .sorted()
            .toList();
    assertThat(actualNodes)
        .as("node transitions: no duplicate, none missing")
        .containsExactlyElementsOf(expectedNodes);
    assertThat(actualNodes)
        .as("agent 3's transitions, worked out by hand")
        .filteredOn(t -> t.startsWith(Inputs.agentId("R", 3) + " "))
        .containsExactlyInAnyOrderElementsOf(Expected.agent3("R", base, ROUNDS));
    Expected.assertClusterChain(records, "cluster:R");
  }

  private static void produce(List<MetricSnapshot> snapshots) {
    List<Map.Entry<String, MetricSnapshot>> records = new ArrayList<>();
    for (MetricSnapshot s : snapshots) {
      records.add(new SimpleEntry<>(s.getNode().getId(), s));
    }
    kafka.produce(Topics.METRIC_SNAPSHOTS, records);
  }
}
