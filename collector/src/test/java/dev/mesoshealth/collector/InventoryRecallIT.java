package dev.mesoshealth.collector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesoshealth.events.AgentInventory;
import dev.mesoshealth.events.MetricSnapshot;
import dev.mesoshealth.events.Outcome;
import dev.mesoshealth.events.Resources;
import dev.mesoshealth.schemas.topics.Topics;
import dev.mesoshealth.service.SharedConfig;
import dev.mesoshealth.sim.SimConfig;
import dev.mesoshealth.sim.cluster.SimAgent;
import dev.mesoshealth.testkit.KafkaBrokerExtension;
import dev.mesoshealth.testkit.SimulatorExtension;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A collector that starts after the master stopped listing an agent learns the agent from the
 * inventory the others published, polls it and keeps publishing it, flagged, from when it was first
 * unlisted; another cluster's agents on the same topic stay that cluster's.
 */
class InventoryRecallIT {
  @RegisterExtension static final KafkaBrokerExtension kafka = new KafkaBrokerExtension();

  @RegisterExtension
  static final SimulatorExtension cluster = new SimulatorExtension(SimConfig.forTests(1, 3, 19));

  private static AgentInventory unlisted(
      String cluster, String id, SimAgent answering, Instant at) {
    Resources none = Resources.newBuilder().build();
    return AgentInventory.newBuilder()
        .setCluster(cluster)
        .setAgentId(id)
        .setHostname("unlisted-" + id)
        .setAddress(address(answering))
        .setActive(false)
        .setUnlistedSince(at)
        .setTotal(none)
        .setUsed(none)
        .setOffered(none)
        .setUnreserved(none)
        .setObservedAt(at)
        .build();
  }

  private static String address(SimAgent a) {
    return a.ip() + ":" + a.port();
  }

  @Test
  @SuppressWarnings("try") // the collector runs, it is not called
  void anAgentUnlistedBeforeTheCollectorStartedIsPolledAndStillPublished() throws Exception {
    kafka.createTopics(Topics.all(), 3);
    // the master no longer lists these; an agent of the simulator answers at their address
    SimAgent answering = cluster.sim().cluster().agents().get(0);
    Instant since = Instant.now().minusSeconds(30).truncatedTo(ChronoUnit.MILLIS);
    kafka.produce(
        Topics.AGENT_INVENTORY,
        List.of(
            Map.entry("S-unlisted", unlisted("recall", "S-unlisted", answering, since)),
            Map.entry("S-elsewhere", unlisted("other", "S-elsewhere", answering, since))));

    Map<String, String> flags = new HashMap<>();
    flags.put(SharedConfig.CLUSTER_NAME, "recall");
    flags.put("mesos.masters", String.join(",", cluster.sim().masterUrls()));
    flags.put(SharedConfig.POLL_INTERVAL, "1s");
    flags.put("inventory.interval", "1s");
    flags.put(SharedConfig.KAFKA_BOOTSTRAP_SERVERS, kafka.bootstrapServers());
    flags.put("topics.partitions", "3");
    flags.put(SharedConfig.ADMIN_PORT, "0");
    try (CollectorMain running = CollectorMain.start(CollectorConfig.fromFlags(flags))) {
      List<ConsumerRecord<String, MetricSnapshot>> polled =
          kafka.consumeUntil(
              Topics.METRIC_SNAPSHOTS,
              seen -> seen.stream().anyMatch(r -> r.key().equals("S-unlisted")),
              Duration.ofSeconds(30),
              "a poll of the recalled agent");
      assertThat(polled)
          .filteredOn(r -> r.key().equals("S-unlisted"))
          .first()
          .satisfies(r -> assertThat(r.value().getOutcome()).isEqualTo(Outcome.OK));
      assertThat(polled).noneMatch(r -> r.key().equals("S-elsewhere"));

      List<ConsumerRecord<String, AgentInventory>> inventory =
          kafka.consumeUntil(
              Topics.AGENT_INVENTORY,
              seen -> seen.stream().filter(r -> r.key().equals("S-unlisted")).count() >= 2,
              Duration.ofSeconds(30),
              "the recalled agent published again");
      List<ConsumerRecord<String, AgentInventory>> its =
          inventory.stream().filter(r -> r.key().equals("S-unlisted")).toList();
      assertThat(its.get(its.size() - 1).value())
          .satisfies(
              a -> {
                assertThat(a.getCluster()).isEqualTo("recall");
                assertThat(a.getUnlistedSince()).isEqualTo(since);
                assertThat(a.getAddress()).isEqualTo(address(answering));
              });
    }
  }
}
