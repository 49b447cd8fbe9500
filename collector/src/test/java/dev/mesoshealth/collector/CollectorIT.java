package dev.mesoshealth.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mesoshealth.events.AgentInventory;
import dev.mesoshealth.events.MetricSnapshot;
import dev.mesoshealth.events.TaskInventory;
import dev.mesoshealth.schemas.topics.Topics;
import dev.mesoshealth.service.SharedConfig;
import dev.mesoshealth.sim.SimConfig;
import dev.mesoshealth.sim.cluster.SimAgent;
import dev.mesoshealth.testkit.KafkaBrokerExtension;
import dev.mesoshealth.testkit.SimulatorExtension;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The collector against the real broker and a simulated cluster, through a broker outage. */
class CollectorIT {
  @RegisterExtension static final KafkaBrokerExtension kafka = new KafkaBrokerExtension();

  @RegisterExtension
  static final SimulatorExtension cluster = new SimulatorExtension(SimConfig.forTests(3, 20, 23));

  private static CollectorConfig config() {
    Map<String, String> flags = new HashMap<>();
    flags.put(SharedConfig.CLUSTER_NAME, "sim");
    flags.put("mesos.masters", String.join(",", cluster.sim().masterUrls()));
    flags.put("marathon.urls", cluster.sim().marathonUrl());
    flags.put(SharedConfig.POLL_INTERVAL, "1s");
    flags.put("inventory.interval", "2s");
    flags.put(SharedConfig.KAFKA_BOOTSTRAP_SERVERS, kafka.bootstrapServers());
    flags.put("topics.partitions", "3");
    flags.put(SharedConfig.ADMIN_PORT, "0");
    flags.put("collector.id", "it");
    return CollectorConfig.fromFlags(flags);
  }

  /**
   * The group's slots between collectors of one cluster: all of them to one alone, half each to two
   * (every agent accepted by exactly one, one of them polling the masters), all back to one when
   * the other leaves; another cluster's collectors are a group of their own.
   */
  @Test
  void collectorsOfAClusterShareItsSlotsThroughTheirGroup() throws Exception {
    kafka.createTopics(List.of(Topics.COLLECTOR_SHARDS), 3); // 60 slots whatever is asked
    Map<String, Object> client = Map.of("bootstrap.servers", kafka.bootstrapServers());
    Duration session = Duration.ofSeconds(6);
    java.util.concurrent.atomic.AtomicInteger changes =
        new java.util.concurrent.atomic.AtomicInteger();
    List<String> agents =
        java.util.stream.IntStream.range(0, 1_000).mapToObj(i -> "a-" + i).toList();
    try (ShardGroup a = new ShardGroup(client, "one", "a", session);
        ShardGroup other = new ShardGroup(client, "two", "x", session)) {
      a.start(changes::incrementAndGet);
      other.start(() -> {});
      await("the only collector holds every slot")
          .atMost(Duration.ofSeconds(30))
          .until(() -> a.slots().size() == 60);
      assertThat(a.pollsMasters()).isTrue();
      assertThat(agents).allMatch(a::accepts);
      assertThat(changes).hasPositiveValue();

      try (ShardGroup b = new ShardGroup(client, "one", "b", session)) {
        b.start(() -> {});
        await("two collectors hold half each")
            .atMost(Duration.ofSeconds(30))
            .until(() -> a.slots().size() == 30 && b.slots().size() == 30);
        assertThat(a.slots()).doesNotContainAnyElementsOf(b.slots());
        assertThat(a.pollsMasters()).isNotEqualTo(b.pollsMasters());
        assertThat(agents).allMatch(id -> a.accepts(id) != b.accepts(id));
        assertThat(agents.stream().filter(b::accepts).count()).isBetween(400L, 600L);
      }
      await("the one left holds every slot again, without waiting out a session")
          .atMost(session.minusSeconds(1))
          .until(() -> a.slots().size() == 60);
      assertThat(other.slots()).as("the other cluster's group").hasSize(60);
    }
  }

  @Test
  void everyPollBecomesOneEventThroughABrokerOutage() throws Exception {
    long polls;
    try (CollectorMain running = CollectorMain.start(config())) {
      await("polls flowing")
          .atMost(Duration.ofSeconds(30))
          .until(() -> running.metrics().publishedTotal() > 50);

      kafka.broker().stop();
      long during = running.metrics().pollsTotal();
      await("polls go on while Kafka is down")
          .atMost(Duration.ofSeconds(20))
          .until(() -> running.metrics().pollsTotal() > during + 60);
      kafka.broker().start();

      await("more polls after the broker is back")
          .atMost(Duration.ofSeconds(20))
          .until(() -> running.metrics().pollsTotal() > during + 120);
      running.stopPollingAndFlush();
      polls = running.metrics().pollsTotal();
    }

    List<ConsumerRecord<String, MetricSnapshot>> records =
        kafka.consumeUntil(
            Topics.METRIC_SNAPSHOTS,
            seen -> seen.size() >= polls,
            Duration.ofSeconds(60),
            polls + " snapshots, one per poll");

    assertThat(records).as("one event per poll, none lost, none doubled").hasSize((int) polls);
    Set<String> agentIds =
        cluster.sim().cluster().agents().stream().map(SimAgent::id).collect(Collectors.toSet());
    Set<String> keys = records.stream().map(ConsumerRecord::key).collect(Collectors.toSet());
    assertThat(keys).containsAll(agentIds).hasSize(agentIds.size() + 3);
    assertThat(records).allSatisfy(r -> assertThat(r.value().getNode().getId()).isEqualTo(r.key()));

    List<ConsumerRecord<String, AgentInventory>> inventory =
        kafka.consumeUntil(
            Topics.AGENT_INVENTORY,
            seen -> seen.stream().map(ConsumerRecord::key).distinct().count() >= 20,
            Duration.ofSeconds(30),
            "every agent's inventory");
    assertThat(inventory).allSatisfy(r -> assertThat(r.value().getAgentId()).isEqualTo(r.key()));
    List<ConsumerRecord<String, TaskInventory>> tasks =
        kafka.consumeUntil(
            Topics.TASK_INVENTORY,
            seen -> !seen.isEmpty(),
            Duration.ofSeconds(30),
            "Marathon tasks");
    assertThat(tasks).allSatisfy(r -> assertThat(r.value().getTaskId()).isEqualTo(r.key()));
  }
}
