package dev.mesoshealth.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mesoshealth.collector.core.AgentShare;
import dev.mesoshealth.collector.core.PollResult;
import dev.mesoshealth.collector.http.HttpMesosClient;
import dev.mesoshealth.collector.http.JettyMesosClient;
import dev.mesoshealth.collector.http.MesosClient;
import dev.mesoshealth.events.AgentInventory;
import dev.mesoshealth.events.MetricSnapshot;
import dev.mesoshealth.events.NodeRole;
import dev.mesoshealth.events.Outcome;
import dev.mesoshealth.service.SharedConfig;
import dev.mesoshealth.sim.MesosSimulator;
import dev.mesoshealth.sim.SimConfig;
import dev.mesoshealth.sim.cluster.FaultKind;
import dev.mesoshealth.sim.cluster.FaultSpec;
import dev.mesoshealth.sim.cluster.SimAgent;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The collector against a simulated cluster: leadership, discovery, faults, churn, --once --print.
 */
class CollectorTest {
  private MesosSimulator sim;
  private final RecordingSink sink = new RecordingSink();
  private final ExecutorService threads = Executors.newFixedThreadPool(2);
  private Collector collector;

  @BeforeEach
  void start() {
    sim = MesosSimulator.start(SimConfig.forTests(3, 6, 17));
  }

  @AfterEach
  void stop() {
    if (collector != null) {
      collector.close();
    }
    sim.close();
    threads.shutdownNow();
  }

  private CollectorConfig config(Map<String, String> overrides) {
    Map<String, String> flags = new HashMap<>();
    flags.put(SharedConfig.CLUSTER_NAME, "sim");
    flags.put("mesos.masters", String.join(",", sim.masterUrls()));
    flags.put("marathon.urls", sim.marathonUrl());
    flags.put(SharedConfig.POLL_INTERVAL, "1s");
    flags.put("inventory.interval", "1s");
    flags.put("http.timeout", "700ms");
    flags.put("collector.id", "test-collector");
    flags.putAll(overrides);
    return CollectorConfig.fromFlags(flags);
  }

  private Collector collector(Map<String, String> overrides) {
    CollectorConfig config = config(overrides);
    collector =
        CollectorMain.build(
            config,
            sink,
            new CollectorMetrics(new PrometheusRegistry()),
            threads,
            config.sharing().fixed());
    return collector;
  }

  private String leaderHostPort() {
    return sim.cluster().leader().orElseThrow().hostPort();
  }

  @Test
  void onceFindsTheLeaderByElectedAndPollsEverything() {
    Collector.OnceReport report = collector(Map.of()).runOnce();

    assertThat(report.mastersAnswered()).isEqualTo(3);
    assertThat(report.leadership().leader()).hasValue(leaderHostPort());
    assertThat(report.agentsPolled()).isEqualTo(6);
    List<MetricSnapshot> masters =
        sink.snapshots.stream().filter(s -> s.getNode().getRole() == NodeRole.MASTER).toList();
    assertThat(masters)
        .hasSize(3)
        .allSatisfy(s -> assertThat(s.getOutcome()).isEqualTo(Outcome.OK));
    assertThat(masters.stream().filter(s -> Boolean.TRUE.equals(s.getElected())))
        .singleElement()
        .satisfies(s -> assertThat(s.getNode().getId()).isEqualTo("master:" + leaderHostPort()));
    assertThat(sink.agents).hasSize(6);
    for (SimAgent a : sim.cluster().agents()) {
      MetricSnapshot s = sink.snapshotsOf(a.id()).get(0);
      assertThat(s.getOutcome()).isEqualTo(Outcome.OK);
      assertThat(s.getNode().getHostname()).isEqualTo(a.hostname());
      assertThat(s.getMetrics()).containsKey("mesos.slave.tasks_running");
      assertThat(s.getCollector().getAgentsTracked()).isEqualTo(6);
    }
    assertThat(sink.tasks).isNotEmpty();
  }

  @Test
  void theJdkClientPollsEverythingAndReturnsARedirectAsTheJettyOneDoes() throws Exception {
    String follower =
        sim.masterUrls().stream()
            .filter(u -> !u.endsWith(leaderHostPort()))
            .findFirst()
            .orElseThrow();
    CollectorConfig config = config(Map.of("http.client", "jdk"));
    MesosClient jdk = CollectorMain.client(config, threads);
    assertThat(jdk).isInstanceOf(HttpMesosClient.class);
    collector =
        CollectorMain.build(
            config,
            jdk,
            sink,
            new CollectorMetrics(new PrometheusRegistry()),
            config.sharing().fixed());
    Collector.OnceReport report = collector.runOnce();

    assertThat(report.mastersAnswered()).isEqualTo(3);
    assertThat(report.leadership().leader()).hasValue(leaderHostPort());
    assertThat(report.agentsPolled()).isEqualTo(6);
    assertThat(sink.snapshots).allSatisfy(s -> assertThat(s.getOutcome()).isEqualTo(Outcome.OK));
    assertThat(sink.agents).hasSize(6);
    assertThat(
            jdk.get(URI.create(follower + "/master/redirect"), 1024)
                .get(5, java.util.concurrent.TimeUnit.SECONDS))
        .as("a redirect is returned, not followed")
        .isInstanceOfSatisfying(
            PollResult.Response.class, r -> assertThat(r.location()).contains(leaderHostPort()));
  }

  @Test
  void pollsThroughJettyByDefault() throws Exception {
    MesosClient http = CollectorMain.client(config(Map.of()), threads);
    try {
      assertThat(http).isInstanceOf(JettyMesosClient.class);
    } finally {
      if (http instanceof AutoCloseable c) {
        c.close();
      }
    }
  }

  @Test
  void inventoryFollowsAFollowersRedirectToTheLeader() {
    String follower =
        sim.masterUrls().stream()
            .filter(u -> !u.endsWith(leaderHostPort()))
            .findFirst()
            .orElseThrow();

    Collector.OnceReport report = collector(Map.of("mesos.masters", follower)).runOnce();

    assertThat(report.leadership().noLeader()).as("the only master polled is a follower").isTrue();
    assertThat(sink.agents).as("/master/slaves read through the leader").hasSize(6);
    assertThat(report.agentsPolled()).isEqualTo(6);
  }

  @Test
  void noLeaderIsSaidInTheEventsAndNothingBreaks() {
    sim.inject(FaultSpec.of(FaultKind.NO_LEADER, null, null));

    Collector.OnceReport report = collector(Map.of()).runOnce();

    assertThat(report.mastersAnswered()).isEqualTo(3);
    assertThat(report.leadership().noLeader()).isTrue();
    assertThat(sink.snapshots)
        .filteredOn(s -> s.getNode().getRole() == NodeRole.MASTER)
        .allSatisfy(s -> assertThat(s.getElected()).isFalse());
    assertThat(sink.agents).as("/master/slaves answers 503 without a leader").isEmpty();
  }

  @Test
  void twoLeadersAreBothMarkedElected() {
    sim.inject(FaultSpec.of(FaultKind.TWO_LEADERS, null, null));

    Collector.OnceReport report = collector(Map.of()).runOnce();

    assertThat(report.leadership().splitBrain()).isTrue();
    assertThat(sink.snapshots).filteredOn(s -> Boolean.TRUE.equals(s.getElected())).hasSize(2);
  }

  @Test
  void aFailedAgentPollIsConfirmedAfterTheDelayNotAtTheNextSlot() {
    SimAgent victim = sim.cluster().agents().get(0);
    SimAgent healthy = sim.cluster().agents().get(1);
    sim.inject(FaultSpec.of(FaultKind.DOWN, victim.id(), null));
    CollectorMetrics metrics = new CollectorMetrics(new PrometheusRegistry());
    CollectorConfig config =
        config(Map.of(SharedConfig.POLL_INTERVAL, "4s", "poll.confirm.after", "400ms"));
    collector = CollectorMain.build(config, sink, metrics, threads, config.sharing().fixed());
    collector.start();

    await("the failure and its confirmation, before the next slot")
        .atMost(Duration.ofSeconds(10))
        .until(() -> failures(victim.id()).size() >= 2);
    List<MetricSnapshot> failed = failures(victim.id());
    Duration apart = Duration.between(failed.get(0).getPolledAt(), failed.get(1).getPolledAt());
    assertThat(apart).isBetween(Duration.ofMillis(400), Duration.ofMillis(1_500));
    assertThat(metrics.confirmations.labelValues("started").get()).isEqualTo(1.0);

    await("the victim's next slot")
        .atMost(Duration.ofSeconds(10))
        .until(() -> failures(victim.id()).size() >= 3);
    assertThat(failures(victim.id())).as("confirmed once: the slots carry on").hasSize(3);
    assertThat(metrics.confirmations.labelValues("started").get()).isEqualTo(1.0);
    List<MetricSnapshot> fine = sink.snapshotsOf(healthy.id());
    assertThat(fine).as("a healthy agent is polled at its slots only").hasSizeLessThanOrEqualTo(3);
  }

  private List<MetricSnapshot> failures(String agent) {
    return sink.snapshotsOf(agent).stream()
        .filter(s -> s.getOutcome() == Outcome.UNREACHABLE)
        .toList();
  }

  @Test
  void followsAFailoverWithinOneInterval() {
    collector(Map.of()).start();
    await().atMost(Duration.ofSeconds(10)).until(() -> collector.leadership().leader().isPresent());
    String before = collector.leadership().leader().orElseThrow();

    sim.inject(FaultSpec.of(FaultKind.MASTER_FAILOVER, null, null));
    String after = leaderHostPort();
    long injected = System.nanoTime();

    await("collector sees the new leader")
        .atMost(Duration.ofSeconds(5))
        .until(() -> collector.leadership().leader().map(after::equals).orElse(false));
    assertThat(after).isNotEqualTo(before);
    assertThat(Duration.ofNanos(System.nanoTime() - injected)).isLessThan(Duration.ofMillis(2_500));
  }

  @Test
  void agentsReregisteringWithANewLeaderStayInTheInventoryAndArePolledWhereTheyWere() {
    collector(Map.of()).runOnce();
    Map<String, String> addresses = new HashMap<>();
    sink.agents.forEach(e -> addresses.put(e.getKey(), e.getValue().getAddress()));
    sim.inject(
        new FaultSpec(
            FaultKind.MASTER_FAILOVER, null, null, Map.of("reregisterWithinSeconds", "600")));
    sink.agents.clear();
    sink.snapshots.clear();

    Collector.OnceReport report = collector.runOnce();

    assertThat(sink.agents)
        .as("no tombstone")
        .allSatisfy(e -> assertThat(e.getValue()).isNotNull());
    assertThat(sink.agents).hasSize(6);
    for (Map.Entry<String, AgentInventory> e : sink.agents) {
      assertThat(e.getValue().getRecovering()).isTrue();
      assertThat(e.getValue().getAddress())
          .as("the last known address, not the registry's hostname:port")
          .isEqualTo(addresses.get(e.getKey()));
    }
    assertThat(report.agentsPolled()).isEqualTo(6);
    assertThat(sink.snapshots.stream().filter(s -> s.getNode().getRole() == NodeRole.AGENT))
        .hasSize(6)
        .allSatisfy(s -> assertThat(s.getMetrics().get("mesos.stats.registered")).isZero());
  }

  @Test
  void discoversMastersInZooKeeper() throws Exception {
    try (TestingServer zk = new TestingServer(true)) {
      sim.registerInZooKeeper("zk://" + zk.getConnectString() + "/mesos");

      Collector.OnceReport report =
          collector(
                  Map.of(
                      "mesos.masters", "", "mesos.zk", "zk://" + zk.getConnectString() + "/mesos"))
              .runOnce();

      assertThat(report.mastersPolled()).isEqualTo(3);
      assertThat(report.leadership().leader()).hasValue(leaderHostPort());
      assertThat(sink.agents).hasSize(6);
    }
  }

  @Test
  void everyHttpFaultGivesItsOutcome() {
    List<SimAgent> agents = sim.cluster().agents();
    Map<FaultKind, Outcome> expected =
        Map.of(
            FaultKind.DOWN, Outcome.UNREACHABLE,
            FaultKind.HUNG, Outcome.TIMEOUT,
            FaultKind.HTTP_ERROR, Outcome.HTTP_ERROR,
            FaultKind.MALFORMED_JSON, Outcome.INVALID,
            FaultKind.SLOW, Outcome.TIMEOUT);
    Map<FaultKind, SimAgent> victims = new HashMap<>();
    int i = 0;
    for (FaultKind kind : expected.keySet()) {
      SimAgent victim = agents.get(i++);
      victims.put(kind, victim);
      sim.inject(
          new FaultSpec(
              kind,
              victim.id(),
              null,
              kind == FaultKind.SLOW ? Map.of("delayMs", "2000") : Map.of()));
    }
    SimAgent partial = agents.get(i);
    collector(Map.of()).runOnce();
    sim.inject(FaultSpec.of(FaultKind.PARTIAL_SNAPSHOT, partial.id(), null));

    collector.runOnce();

    for (Map.Entry<FaultKind, Outcome> e : expected.entrySet()) {
      assertThat(sink.snapshotsOf(victims.get(e.getKey()).id()))
          .as(e.getKey().name())
          .allSatisfy(s -> assertThat(s.getOutcome()).isEqualTo(e.getValue()));
    }
    List<MetricSnapshot> partials = sink.snapshotsOf(partial.id());
    assertThat(partials)
        .extracting(MetricSnapshot::getOutcome)
        .containsExactly(Outcome.OK, Outcome.PARTIAL);
    assertThat(partials.get(1).getMissingKeys()).isNotEmpty();
    assertThat(
            sink.snapshotsOf(victims.get(FaultKind.DOWN).id())
                .get(1)
                .getCollector()
                .getAgentsFailing())
        .isGreaterThanOrEqualTo(4);
  }

  @Test
  void aHungAgentFailsAtTheAgentDeadlineWhileMastersKeepTheLongerOne() {
    SimAgent hung = sim.cluster().agents().get(0);
    sim.inject(new FaultSpec(FaultKind.HUNG, hung.id(), null, Map.of()));
    // a master 600 ms late still answers within http.timeout; an agent that late would not
    String leader = sim.cluster().leader().orElseThrow().hostPort();
    sim.inject(new FaultSpec(FaultKind.SLOW, leader, null, Map.of("delayMs", "600")));

    collector(Map.of("http.timeout", "2s", "http.agent.timeout", "300ms")).runOnce();

    MetricSnapshot s = sink.snapshotsOf(hung.id()).get(0);
    assertThat(s.getOutcome()).isEqualTo(Outcome.TIMEOUT);
    assertThat(s.getError()).isEqualTo("no complete answer within 300 ms");
    assertThat(s.getDurationMs()).isBetween(250L, 1_500L);
    assertThat(sink.snapshotsOf("master:" + leader))
        .extracting(MetricSnapshot::getOutcome)
        .containsExactly(Outcome.OK);
  }

  @Test
  void anAgentTheMasterStopsListingIsStillPublishedFlaggedAndPolled() {
    sim.close();
    sim =
        MesosSimulator.start(
            SimConfig.forTests(3, 6, 17).withAgentPingTimeout(Duration.ofSeconds(1)));
    collector(Map.of()).runOnce();
    SimAgent cut = sim.cluster().agents().get(2);
    SimAgent down = sim.cluster().agents().get(3);
    sim.inject(FaultSpec.of(FaultKind.AGENT_PARTITIONED, cut.id(), null));
    sim.inject(FaultSpec.of(FaultKind.DOWN, down.id(), null));
    // past agent_ping_timeout: the master marks both unreachable and stops listing them
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              String slaves = new String(sim.cluster().renderSlaves(), StandardCharsets.UTF_8);
              return !slaves.contains(cut.id()) && !slaves.contains(down.id());
            });
    sink.agents.clear();
    sink.snapshots.clear();

    Collector.OnceReport report = collector.runOnce();

    for (SimAgent a : List.of(cut, down)) {
      AgentInventory last =
          sink.agents.stream()
              .filter(e -> e.getKey().equals(a.id()))
              .map(Map.Entry::getValue)
              .reduce((x, y) -> y)
              .orElseThrow();
      assertThat(last).as("no tombstone for " + a.id()).isNotNull();
      assertThat(last.getUnlistedSince()).isNotNull();
      assertThat(last.getActive()).isFalse();
      assertThat(last.getAddress()).isEqualTo(a.ip() + ":" + a.port());
    }
    assertThat(report.agentsPolled()).isEqualTo(6);
    assertThat(sink.snapshotsOf(cut.id()))
        .singleElement()
        .satisfies(s -> assertThat(s.getOutcome()).isEqualTo(Outcome.OK));
    assertThat(sink.snapshotsOf(down.id()))
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getOutcome()).isEqualTo(Outcome.UNREACHABLE);
              // expected to fail: not a sign that the collector's own network is down
              assertThat(s.getCollector().getAgentsFailing()).isZero();
              assertThat(s.getCollector().getAgentsTracked()).isEqualTo(4);
            });
  }

  /**
   * With shard=kafka an agent's slot can move after the master stopped listing it: the collector
   * that knew it died, and the one that holds its slot now must poll it all the same.
   */
  @Test
  void anUnlistedAgentWhoseSlotMovesHereIsPolledByItsNewCollector() {
    sim.close();
    sim =
        MesosSimulator.start(
            SimConfig.forTests(3, 6, 17).withAgentPingTimeout(Duration.ofSeconds(1)));
    SimAgent cut = sim.cluster().agents().get(2);
    java.util.concurrent.atomic.AtomicBoolean itsSlotIsMine =
        new java.util.concurrent.atomic.AtomicBoolean();
    AgentShare share =
        new AgentShare() {
          @Override
          public boolean accepts(String agentId) {
            return !agentId.equals(cut.id()) || itsSlotIsMine.get();
          }

          @Override
          public boolean pollsMasters() {
            return true;
          }
        };
    CollectorConfig config = config(Map.of());
    collector =
        CollectorMain.build(
            config, sink, new CollectorMetrics(new PrometheusRegistry()), threads, share);
    collector.runOnce();
    assertThat(sink.snapshotsOf(cut.id())).as("another collector's agent").isEmpty();
    sim.inject(FaultSpec.of(FaultKind.AGENT_PARTITIONED, cut.id(), null));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                !new String(sim.cluster().renderSlaves(), StandardCharsets.UTF_8)
                    .contains(cut.id()));
    collector.runOnce();
    assertThat(sink.snapshotsOf(cut.id())).as("still another collector's").isEmpty();

    itsSlotIsMine.set(true);
    collector.runOnce();

    assertThat(sink.snapshotsOf(cut.id()))
        .as("polled by the collector its slot moved to")
        .extracting(MetricSnapshot::getOutcome)
        .containsExactly(Outcome.OK);
  }

  @Test
  void anAgentTheLeadersEventStreamRemovesIsPublishedAndPolledAtOnce() {
    // rounds a minute apart: only the Operator API stream can tell within seconds
    collector(Map.of("inventory.interval", "60s", SharedConfig.POLL_INTERVAL, "30s")).start();
    await("subscribed")
        .atMost(Duration.ofSeconds(10))
        .until(() -> sim.cluster().operatorSubscribers() == 1);
    SimAgent leaving = sim.cluster().agents().get(1);
    await("the first round published")
        .atMost(Duration.ofSeconds(10))
        .until(() -> sink.agents.stream().anyMatch(e -> e.getKey().equals(leaving.id())));

    long removed = System.currentTimeMillis();
    sim.inject(FaultSpec.of(FaultKind.AGENT_REMOVED, leaving.id(), null));

    await("unlisted and polled within 2 s")
        .atMost(Duration.ofSeconds(2))
        .until(
            () ->
                publishedUnlisted(leaving.id())
                    && sink.snapshotsOf(leaving.id()).stream()
                        .anyMatch(
                            s ->
                                s.getPolledAt().toEpochMilli() >= removed
                                    && s.getOutcome() == Outcome.UNREACHABLE));
  }

  @Test
  void theEventStreamFollowsTheLeadership() {
    collector(Map.of("inventory.interval", "60s")).start();
    await("subscribed")
        .atMost(Duration.ofSeconds(10))
        .until(() -> sim.cluster().operatorSubscribers() == 1);

    sink.agents.clear();
    sim.inject(
        new FaultSpec(
            FaultKind.MASTER_FAILOVER,
            null,
            null,
            Map.of("reregisterWithinSeconds", "2", "slowShare", "0")));
    Instant failedOver = Instant.now();
    // the old leader ended the stream; the collector subscribes to the new one
    await("subscribed to the new leader")
        .atMost(Duration.ofSeconds(10))
        .until(() -> sim.cluster().operatorSubscribers() == 1);
    SimAgent leaving = sim.cluster().agents().get(5);
    // by a round read after the failover: one read before it can publish after the clear above
    await("re-registered with the new leader, and listed again (AGENT_ADDED asks a round)")
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                sink.agents.stream()
                    .anyMatch(
                        e ->
                            e.getKey().equals(leaving.id())
                                && e.getValue() != null
                                && !e.getValue().getObservedAt().isBefore(failedOver)
                                && !e.getValue().getRecovering()
                                && e.getValue().getUnlistedSince() == null
                                && e.getValue().getReregisteredAt() != null));
    sink.agents.clear();
    sim.inject(FaultSpec.of(FaultKind.AGENT_REMOVED, leaving.id(), null));
    await("the new leader's removal published within 2 s")
        .atMost(Duration.ofSeconds(2))
        .until(() -> publishedUnlisted(leaving.id()));
  }

  /** Whether the sink got the agent's inventory flagged unlisted. */
  private boolean publishedUnlisted(String agentId) {
    return sink.agents.stream()
        .anyMatch(
            e ->
                e.getKey().equals(agentId)
                    && e.getValue() != null
                    && e.getValue().getUnlistedSince() != null);
  }

  @Test
  void agentChurnGivesTombstonesAndNewTargets() {
    collector(Map.of("inventory.unlisted.retention", "0s")).runOnce();
    SimAgent leaving = sim.cluster().agents().get(4);
    sim.inject(FaultSpec.of(FaultKind.AGENT_REMOVED, leaving.id(), null));
    String joined = sim.inject(FaultSpec.of(FaultKind.AGENT_ADDED, null, null)).nodes().get(0);
    sink.snapshots.clear();

    Collector.OnceReport report = collector.runOnce();

    assertThat(sink.agents)
        .anySatisfy(
            e -> {
              assertThat(e.getKey()).isEqualTo(leaving.id());
              assertThat(e.getValue()).isNull();
            });
    assertThat(report.agentsPolled()).isEqualTo(6);
    assertThat(sink.snapshotsOf(joined))
        .singleElement()
        .satisfies(s -> assertThat(s.getOutcome()).isEqualTo(Outcome.OK));
    assertThat(sink.snapshotsOf(leaving.id())).isEmpty();
  }

  @Test
  void aShardPollsOnlyItsAgentsAndLeavesInventoryToShardZero() {
    Collector.OnceReport report = collector(Map.of("shard", "1/2")).runOnce();

    long mine =
        sim.cluster().agents().stream()
            .filter(a -> new dev.mesoshealth.collector.core.Shard(1, 2).accepts(a.id()))
            .count();
    assertThat(report.agentsPolled()).isEqualTo((int) mine);
    assertThat(report.mastersPolled()).isEqualTo(3);
    assertThat(sink.agents).as("inventory is shard 0's job").isEmpty();
    assertThat(sink.snapshots)
        .filteredOn(s -> s.getNode().getRole() == NodeRole.AGENT)
        .allSatisfy(s -> assertThat(s.getCollector().getShard()).isEqualTo("1/2"));
  }

  @Test
  void scheduledPollsSpreadAndRepeatEveryInterval() {
    collector(Map.of()).start();
    SimAgent a = sim.cluster().agents().get(0);

    await().atMost(Duration.ofSeconds(10)).until(() -> sink.snapshotsOf(a.id()).size() >= 3);

    List<MetricSnapshot> polls = sink.snapshotsOf(a.id());
    long gap =
        polls.get(2).getPolledAt().toEpochMilli() - polls.get(1).getPolledAt().toEpochMilli();
    assertThat(gap).as("one interval between polls of an agent").isBetween(800L, 1_300L);
  }

  @Test
  void onceWithPrintWritesOneJsonLinePerEvent() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int code =
        CollectorMain.once(
            config(Map.of()),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(code).isZero();
    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    int snapshots = 0;
    for (String line : lines) {
      var node = json.readTree(line);
      assertThat(node.has("topic") && node.has("key") && node.has("value")).isTrue();
      if (node.get("topic").asText().equals("mesos.metrics.snapshots")) {
        snapshots++;
        assertThat(node.get("value").get("polledAt").asText()).endsWith("Z");
      }
    }
    assertThat(snapshots).isEqualTo(3 + 6);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .startsWith("collector: 3/3 masters answered, leader ");
  }

  @Test
  void onceExitsNonZeroWithAReasonWhenNoMasterAnswers() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int code =
        CollectorMain.once(
            config(Map.of("mesos.masters", "http://127.0.0.1:1")),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(code).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8).trim())
        .isEqualTo("collector: no master answered /metrics/snapshot (1 polled)");
  }
}
