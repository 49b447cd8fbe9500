package dev.mesoshealth.processor.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.mesoshealth.events.AgentInventory;
import dev.mesoshealth.events.CapacityTrend;
import dev.mesoshealth.events.GroupKind;
import dev.mesoshealth.events.MetricSnapshot;
import dev.mesoshealth.events.NodeRef;
import dev.mesoshealth.events.NodeRole;
import dev.mesoshealth.events.Outcome;
import dev.mesoshealth.events.ResourceCapacity;
import dev.mesoshealth.events.ShapeFit;
import dev.mesoshealth.events.Trend;
import dev.mesoshealth.events.TrendVerdict;
import dev.mesoshealth.processor.capacity.CapacityModel;
import dev.mesoshealth.processor.capacity.CapacityPart;
import dev.mesoshealth.processor.capacity.Contribution;
import dev.mesoshealth.processor.capacity.PartUpdate;
import dev.mesoshealth.processor.capacity.Shape;
import dev.mesoshealth.schemas.metrics.MetricCatalogue;
import dev.mesoshealth.schemas.topics.Topics;
import dev.mesoshealth.testkit.InventoryContract;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Capacity per group and minute, from real /master/slaves data and from a synthetic ramp. */
class CapacityTopologyTest {
  private static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");

  private final TopologyTestDriver driver;
  private final TestInputTopic<String, AgentInventory> inventory;
  private final TestInputTopic<String, MetricSnapshot> snapshots;
  private final TestOutputTopic<String, CapacityTrend> trends;

  CapacityTopologyTest() {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "capacity-test");
    // a state directory of its own: test JVMs running side by side must not share one
    props.put(StreamsConfig.STATE_DIR_CONFIG, TestStateDirs.create().toString());
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    HealthTopology.Settings s = HealthTopology.Settings.defaults();
    HealthTopology.Settings settings =
        s.withCapacity(
            List.of("dc", "workload"),
            new CapacityModel(
                s.capacity().shapes(), Duration.ofSeconds(30), s.capacity().horizons()));
    driver =
        new TopologyTestDriver(HealthTopology.build(settings, TopologyMetrics.NONE), props, T0);
    inventory =
        driver.createInputTopic(
            Topics.AGENT_INVENTORY.name(),
            new StringSerializer(),
            Topics.AGENT_INVENTORY.valueSerde().serializer());
    snapshots =
        driver.createInputTopic(
            Topics.METRIC_SNAPSHOTS.name(),
            new StringSerializer(),
            Topics.METRIC_SNAPSHOTS.valueSerde().serializer());
    trends =
        driver.createOutputTopic(
            Topics.CAPACITY_TRENDS.name(),
            new StringDeserializer(),
            Topics.CAPACITY_TRENDS.valueSerde().deserializer());
  }

  @AfterEach
  void close() {
    driver.close();
  }

  /** What the collector makes of the real asgard /master/slaves response (its test proves it). */
  private static List<AgentInventory> asgard(Instant at) {
    return InventoryContract.asgard(at);
  }

  private void pipe(List<AgentInventory> agents) {
    for (AgentInventory a : agents) {
      inventory.pipeInput(a.getAgentId(), a, a.getObservedAt());
    }
  }

  private Map<String, CapacityTrend> latestByGroup() {
    return trends.readKeyValuesToList().stream()
        .collect(Collectors.toMap(kv -> kv.key, kv -> kv.value, (a, b) -> b));
  }

  private static ResourceCapacity resource(CapacityTrend t, String name) {
    return t.getResources().stream()
        .filter(r -> r.getResource().equals(name))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void sumsPerGroupMatchTheRealSlavesResponse() throws Exception {
    pipe(asgard(T0.plusSeconds(5)));
    assertThat(trends.isEmpty()).as("nothing final before the window closes").isTrue();
    pipe(asgard(T0.plusSeconds(65)));
    assertThat(trends.isEmpty()).as("the grace period is not over").isTrue();

    pipe(asgard(T0.plusSeconds(95)));

    Map<String, CapacityTrend> groups = latestByGroup();
    assertThat(groups).containsOnlyKeys("asgard", "asgard/dc=bit", "asgard/workload=general");
    CapacityTrend c = groups.get("asgard");
    assertThat(c.getKind()).isEqualTo(GroupKind.CLUSTER);
    assertThat(c.getWindowStart()).isEqualTo(T0);
    assertThat(c.getWindowEnd()).isEqualTo(T0.plusSeconds(60));
    assertThat(c.getFinal$()).isTrue();
    assertThat(c.getAgents()).isEqualTo(6);
    ResourceCapacity cpus = resource(c, "cpus");
    assertThat(cpus.getTotal()).isEqualTo(35.0);
    assertThat(cpus.getUsed()).isCloseTo(19.2, within(1e-9));
    assertThat(cpus.getFree()).isCloseTo(15.8, within(1e-9));
    assertThat(cpus.getUsedRatio()).isCloseTo(19.2 / 35, within(1e-9));
    assertThat(resource(c, "mem").getTotal()).isEqualTo(79_916.0);
    assertThat(resource(c, "mem").getUsed()).isEqualTo(31_196.0);
    assertThat(resource(c, "disk").getTotal()).isEqualTo(1_272_737.0);
    assertThat(c.getShapes()).extracting(ShapeFit::getPlaceable).containsExactly(20L, 2L, 0L);
    assertThat(c.getFragmentationIndex()).isEqualTo(1.0);
    assertThat(c.getLargestFreeSlot().getCpus()).isCloseTo(6.5, within(1e-9));
    assertThat(c.getLargestFreeSlot().getMemMb()).isEqualTo(5582.0);
    CapacityTrend dc = groups.get("asgard/dc=bit");
    assertThat(dc.getKind()).isEqualTo(GroupKind.ATTRIBUTE);
    assertThat(dc.getAttribute()).isEqualTo("dc");
    assertThat(dc.getValue()).isEqualTo("bit");
    assertThat(resource(dc, "cpus").getTotal()).isEqualTo(35.0);
  }

  /** The leader's own /metrics/snapshot from the same cluster, as the collector publishes it. */
  private static MetricSnapshot leaderSnapshot(Instant at, boolean elected) throws Exception {
    try (InputStream in =
        CapacityTopologyTest.class.getResourceAsStream(
            "/fixtures/asgard-master-1.4.1-metrics-snapshot.json")) {
      Map<String, Double> raw = new java.util.HashMap<>();
      new com.fasterxml.jackson.databind.ObjectMapper()
          .readTree(in)
          .properties()
          .forEach(e -> raw.put(e.getKey(), e.getValue().asDouble()));
      return MetricSnapshot.newBuilder()
          .setNode(new NodeRef("asgard", NodeRole.MASTER, "master:m1:5050", "m1", "10.0.0.1:5050"))
          .setPolledAt(at)
          .setDurationMs(5)
          .setOutcome(Outcome.OK)
          .setElected(elected)
          .setMetrics(MetricCatalogue.standard().normalise(raw).canonical())
          .build();
    }
  }

  @Test
  void theLeadersTotalsRideAlongAsACrossCheckOfTheClusterGroup() throws Exception {
    snapshots.pipeInput("master:m2:5050", leaderSnapshot(T0.plusSeconds(1), false), T0);
    pipe(asgard(T0.plusSeconds(5)));
    snapshots.pipeInput("master:m1:5050", leaderSnapshot(T0.plusSeconds(6), true), T0);
    pipe(asgard(T0.plusSeconds(95)));

    Map<String, CapacityTrend> groups = latestByGroup();
    // the captured snapshot and /master/slaves were taken at different moments: 39 vs 35 CPUs,
    // exactly the kind of disagreement the cross-check is there to show
    assertThat(groups.get("asgard").getLeaderTotal().getCpus()).isEqualTo(39.0);
    assertThat(groups.get("asgard").getLeaderTotal().getMemMb()).isEqualTo(87_916.0);
    assertThat(resource(groups.get("asgard"), "cpus").getTotal()).isEqualTo(35.0);
    assertThat(groups.get("asgard/dc=bit").getLeaderTotal()).as("cluster groups only").isNull();
  }

  @Test
  void inactiveAgentsAndAgentsThatLeftStopCounting() throws Exception {
    List<AgentInventory> agents = asgard(T0.plusSeconds(5));
    pipe(agents);
    AgentInventory inactive = agents.get(1);
    inactive.setActive(false);
    inactive.setObservedAt(T0.plusSeconds(20));
    inventory.pipeInput(inactive.getAgentId(), inactive, T0.plusSeconds(20));
    inventory.pipeInput(agents.get(0).getAgentId(), null, T0.plusSeconds(21));

    pipe(asgard(T0.plusSeconds(95)).subList(2, 3));

    CapacityTrend c = latestByGroup().get("asgard");
    assertThat(c.getAgents()).isEqualTo(4);
    assertThat(c.getAgentsExcluded()).isEqualTo(1);
    assertThat(resource(c, "cpus").getTotal()).isEqualTo(35.0 - 3);
    assertThat(resource(c, "cpus").getFree()).isCloseTo(15.8 - 1.7 - 6.5, within(1e-9));
  }

  @Test
  void aSteadyRampGivesAGrowingTrendAndAForecast() {
    // one agent of 100 CPUs, 30 used at minute 0, one more each minute: 100% at minute 70
    for (int m = 0; m <= 40; m++) {
      AgentInventory a = dev.mesoshealth.testkit.SampleEvents.agentInventory("S1");
      a.setCluster("ramp");
      a.setZone(null);
      a.setAttributes(Map.of());
      a.setTotal(dev.mesoshealth.testkit.SampleEvents.resources(100, 1e6, 1e7));
      a.setUsed(dev.mesoshealth.testkit.SampleEvents.resources(30 + m, 0, 0));
      a.setObservedAt(T0.plusSeconds(60L * m + 45));
      inventory.pipeInput("S1", a, a.getObservedAt());
    }

    List<KeyValue<String, CapacityTrend>> out = trends.readKeyValuesToList();
    CapacityTrend last = out.get(out.size() - 1).value;
    Trend hour = resource(last, "cpus").getTrends().get(0);
    assertThat(hour.getHorizon()).isEqualTo("PT1H");
    assertThat(hour.getVerdict()).isEqualTo(TrendVerdict.GROWING);
    assertThat(hour.getSlopePerHour()).isCloseTo(0.6, within(1e-6));
    Instant full = T0.plusSeconds(70 * 60 + 45);
    assertThat((double) Duration.between(T0, hour.getReach100At()).toSeconds())
        .isCloseTo(
            Duration.between(T0, full).toSeconds(),
            within(Duration.between(T0, full).toSeconds() * 0.02));
    assertThat(resource(last, "mem").getTrends().get(0).getVerdict())
        .isEqualTo(TrendVerdict.STABLE);
    assertThat(out.get(0).value.getResources().get(0).getTrends().get(0).getVerdict())
        .as("too few points at first")
        .isEqualTo(TrendVerdict.UNDECIDED);
  }

  private static AgentInventory agentIn(String id, String dc, Instant at) {
    AgentInventory a = dev.mesoshealth.testkit.SampleEvents.agentInventory(id);
    a.setCluster("big");
    a.setAttributes(Map.of("dc", dc));
    a.setObservedAt(at);
    return a;
  }

  private void round(int agents, Instant at, java.util.function.IntFunction<String> dc) {
    for (int i = 0; i < agents; i++) {
      inventory.pipeInput("S" + i, agentIn("S" + i, dc.apply(i), at), at);
    }
    driver.advanceWallClockTime(CapacityFanOut.FORWARD_EVERY);
  }

  @Test
  void aRoundOfInventoryIsRepartitionedAsOneRecordPerGroupNotOnePerAgent() {
    TestOutputTopic<String, byte[]> repartitioned =
        driver.createOutputTopic(
            "capacity-test-capacity-part-updates-repartition",
            new StringDeserializer(),
            new org.apache.kafka.common.serialization.ByteArrayDeserializer());

    // 200 agents in three groups each (cluster, zone, dc): 600 memberships a round
    // per round, the first agent's groups as stream time moves and the four groups a second
    // later: not 600
    round(200, T0.plusSeconds(5), i -> i % 2 == 0 ? "east" : "west");
    assertThat(repartitioned.readValuesToList()).hasSizeBetween(4, 8);
    round(200, T0.plusSeconds(35), i -> i % 2 == 0 ? "east" : "west");
    assertThat(repartitioned.readValuesToList()).hasSizeBetween(4, 8);

    round(200, T0.plusSeconds(95), i -> i % 2 == 0 ? "east" : "west");
    Map<String, CapacityTrend> groups = latestByGroup();
    assertThat(groups.get("big").getAgents()).isEqualTo(200);
    assertThat(resource(groups.get("big"), "cpus").getTotal()).isEqualTo(200 * 8.0);
    assertThat(groups.get("big/zone=z1").getAgents()).isEqualTo(200);
    assertThat(groups.get("big/dc=east").getAgents()).isEqualTo(100);
  }

  @Test
  void anAgentThatMovesToAnotherGroupLeavesTheOldOne() {
    round(10, T0.plusSeconds(5), i -> "east");
    round(10, T0.plusSeconds(35), i -> i == 0 ? "west" : "east");
    round(10, T0.plusSeconds(95), i -> i == 0 ? "west" : "east");

    Map<String, CapacityTrend> groups = latestByGroup();
    assertThat(groups.get("big/dc=east").getWindowStart()).isEqualTo(T0);
    assertThat(groups.get("big/dc=east").getAgents()).isEqualTo(9);
    assertThat(groups.get("big/dc=west").getAgents()).isEqualTo(1);
    assertThat(groups.get("big").getAgents()).isEqualTo(10);
  }

  @Test
  void anAgentReregisteringAfterAFailoverKeepsWhatItBrought() {
    round(10, T0.plusSeconds(5), i -> "east");
    // the new leader knows every agent from its registry only: no resources to show
    for (int r = 0; r < 5; r++) {
      Instant at = T0.plusSeconds(35 + 30 * r);
      for (int i = 0; i < 10; i++) {
        AgentInventory a = agentIn("S" + i, "east", at);
        a.setRecovering(true);
        a.setTotal(dev.mesoshealth.testkit.SampleEvents.resources(0, 0, 0));
        a.setUsed(dev.mesoshealth.testkit.SampleEvents.resources(0, 0, 0));
        a.setUnreserved(dev.mesoshealth.testkit.SampleEvents.resources(0, 0, 0));
        inventory.pipeInput("S" + i, a, at);
      }
      driver.advanceWallClockTime(CapacityFanOut.FORWARD_EVERY);
    }

    Map<String, CapacityTrend> groups = latestByGroup();
    assertThat(groups.get("big").getWindowStart()).isEqualTo(T0.plusSeconds(60));
    assertThat(groups.get("big").getAgents()).isEqualTo(10);
    assertThat(resource(groups.get("big"), "cpus").getTotal()).isEqualTo(10 * 8.0);
    assertThat(groups.get("big/dc=east").getAgents()).isEqualTo(10);
  }

  @Test
  void anAgentTheMasterNoLongerListsIsExcludedLikeAnInactiveOne() {
    round(10, T0.plusSeconds(5), i -> "east");
    for (int r = 0; r < 5; r++) {
      Instant at = T0.plusSeconds(35 + 30 * r);
      for (int i = 0; i < 10; i++) {
        AgentInventory a = agentIn("S" + i, "east", at);
        if (i == 0) {
          // what the collector publishes for an agent the master marked unreachable
          a.setActive(false);
          a.setUnlistedSince(T0.plusSeconds(35));
        }
        inventory.pipeInput("S" + i, a, at);
      }
      driver.advanceWallClockTime(CapacityFanOut.FORWARD_EVERY);
    }

    CapacityTrend big = latestByGroup().get("big");
    assertThat(big.getAgents()).isEqualTo(9);
    assertThat(big.getAgentsExcluded()).isEqualTo(1);
    AgentInventory sample = agentIn("S1", "east", T0);
    double freePerAgent = sample.getTotal().getCpus() - sample.getUsed().getCpus();
    assertThat(resource(big, "cpus").getFree()).isCloseTo(9 * freePerAgent, within(1e-9));
  }

  @Test
  void aBacklogOfRoundsClosesEveryWindowItEnds() {
    // four rounds read at once, as after an outage: no window may be skipped
    for (int m = 0; m < 4; m++) {
      Instant at = T0.plusSeconds(60L * m + 45);
      for (int i = 0; i < 10; i++) {
        AgentInventory a = agentIn("S" + i, "east", at);
        a.setUsed(dev.mesoshealth.testkit.SampleEvents.resources(m, 0, 0));
        inventory.pipeInput("S" + i, a, T0);
      }
    }
    driver.advanceWallClockTime(CapacityFanOut.FORWARD_EVERY);

    List<CapacityTrend> cluster =
        trends.readKeyValuesToList().stream()
            .filter(kv -> kv.key.equals("big"))
            .map(kv -> kv.value)
            .toList();
    assertThat(cluster)
        .extracting(CapacityTrend::getWindowStart)
        .containsExactly(T0, T0.plusSeconds(60), T0.plusSeconds(120));
    assertThat(cluster)
        .extracting(t -> resource(t, "cpus").getUsed())
        .as("each window with its own round (m cpus used on each of 10 agents), not a later one")
        .containsExactly(0.0, 10.0, 20.0);
  }

  private static CapacityPart partOf(Instant at, boolean partialRound, String... agents) {
    List<Contribution> list = new java.util.ArrayList<>();
    for (String id : agents) {
      list.add(Contribution.of(agentIn(id, "east", at), null, Shape.DEFAULTS));
    }
    return CapacityPart.of(list, at, partialRound);
  }

  @Test
  void aPartitionThatStartsAgainKeepsItsWholePartUntilItHasSeenEveryAgent() {
    // partition 0 has sent its whole part of ten agents
    round(10, T0.plusSeconds(5), i -> "east");
    round(10, T0.plusSeconds(35), i -> "east");

    // it starts again and has seen two agents so far; partition 1's parts close the windows
    TestInputTopic<String, byte[]> parts =
        driver.createInputTopic(
            "capacity-test-capacity-part-updates-repartition",
            new StringSerializer(),
            new org.apache.kafka.common.serialization.ByteArraySerializer());
    org.apache.kafka.common.serialization.Serializer<PartUpdate> serde =
        dev.mesoshealth.processor.topology.StateSerde.of(PartUpdate.class).serializer();
    Instant restarted = T0.plusSeconds(65);
    parts.pipeInput(
        "big",
        serde.serialize(
            "", PartUpdate.part("big", "0", partOf(restarted, true, "S0", "S1"), false, restarted)),
        restarted);
    for (int s : new int[] {95, 155}) {
      Instant later = T0.plusSeconds(s);
      parts.pipeInput(
          "big",
          serde.serialize(
              "", PartUpdate.part("big", "1", partOf(later, false, "S99"), true, later)),
          later);
    }

    CapacityTrend second = latestByGroup().get("big");
    assertThat(second.getWindowStart()).isEqualTo(T0.plusSeconds(60));
    assertThat(second.getAgents())
        .as("partition 0's whole part (10) and partition 1's (1), not the 2 seen since the start")
        .isEqualTo(11);
  }

  @Test
  void aFreshStartsFirstRoundCountsEveryAgentWhenAForwardFallsInsideIt() {
    // the first round's agents arrive in two fetches with a forward between them, as on a real
    // broker; the open window must count all ten, not stay at the first fetch's three
    Instant at = T0.plusSeconds(45);
    for (int i = 0; i < 10; i++) {
      inventory.pipeInput("S" + i, agentIn("S" + i, "east", at), at);
      if (i == 2) {
        driver.advanceWallClockTime(CapacityFanOut.FORWARD_EVERY);
      }
    }
    driver.advanceWallClockTime(CapacityFanOut.FORWARD_EVERY);

    KeyValueStore<String, CapacityPart> parts =
        driver.getKeyValueStore(StoreNames.CAPACITY_GROUP_PARTS);
    assertThat(CapacityStores.parts(parts, "big"))
        .as("the cluster group's open window, as the REST API sums it")
        .extracting(CapacityPart::counted)
        .containsExactly(10);
  }
}
