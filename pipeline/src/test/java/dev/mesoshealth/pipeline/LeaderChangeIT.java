package dev.mesoshealth.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mesoshealth.collector.CollectorConfig;
import dev.mesoshealth.collector.CollectorMain;
import dev.mesoshealth.events.HealthStatus;
import dev.mesoshealth.events.HealthTransition;
import dev.mesoshealth.events.MetricSnapshot;
import dev.mesoshealth.processor.ProcessorConfig;
import dev.mesoshealth.processor.ProcessorMain;
import dev.mesoshealth.schemas.topics.Topics;
import dev.mesoshealth.sim.SimConfig;
import dev.mesoshealth.sim.cluster.FaultKind;
import dev.mesoshealth.sim.cluster.FaultSpec;
import dev.mesoshealth.testkit.ItFlags;
import dev.mesoshealth.testkit.KafkaBrokerExtension;
import dev.mesoshealth.testkit.ProcessorRest;
import dev.mesoshealth.testkit.SimulatorExtension;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.curator.test.TestingCluster;
import org.apache.curator.test.TestingZooKeeperServer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Leadership changes under a running pipeline that finds its masters in a three-server ZooKeeper
 * ensemble, as production does: a Mesos master failover, then the ZooKeeper ensemble's own leader
 * killed, then another failover. The collector follows each new Mesos leader within about one poll
 * interval, its ZooKeeper view follows the new znodes after the ensemble re-elected, the counters
 * the new leader starts from zero are resets, and no agent, master or the cluster is flagged at any
 * point.
 */
class LeaderChangeIT {
  private static final int AGENTS = 12;

  @RegisterExtension static final KafkaBrokerExtension kafka = new KafkaBrokerExtension();

  @RegisterExtension
  static final SimulatorExtension cluster =
      new SimulatorExtension(SimConfig.forTests(3, AGENTS, 53).withCluster("zk"));

  private static TestingCluster zk;
  private static CollectorMain collector;
  private static ProcessorMain processor;

  @BeforeAll
  static void start() throws Exception {
    System.setProperty("zookeeper.4lw.commands.whitelist", "srvr");
    zk = new TestingCluster(3);
    zk.start();
    String zkUrl = "zk://" + zk.getConnectString() + "/mesos";
    cluster.sim().registerInZooKeeper(zkUrl);
    Map<String, String> c = ItFlags.collector("zk", cluster.sim(), kafka.bootstrapServers());
    c.put("mesos.masters", "");
    c.put("mesos.zk", zkUrl);
    c.remove("marathon.urls");
    collector = CollectorMain.start(CollectorConfig.fromFlags(c));
    processor =
        ProcessorMain.start(
            ProcessorConfig.fromFlags(ItFlags.processor("zk-processor", kafka.bootstrapServers())));
    await("the cluster and every agent HEALTHY")
        .atMost(Duration.ofSeconds(90))
        .until(
            () ->
                "HEALTHY".equals(clusterState())
                    && ProcessorRest.get(processor.apiUrl() + "/v1/nodes?role=agent&state=healthy")
                            .body()
                            .get("count")
                            .asInt()
                        == AGENTS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (collector != null) {
      collector.close();
    }
    if (processor != null) {
      processor.close();
    }
    if (zk != null) {
      zk.close();
    }
  }

  private static String clusterState() {
    ProcessorRest.Answer a = ProcessorRest.get(processor.apiUrl() + "/v1/clusters/zk/health");
    return a.status() == 200 ? a.body().path("state").asText() : null;
  }

  private static String simLeader() {
    return cluster.sim().cluster().leader().orElseThrow().hostPort();
  }

  /** Fails the leader over and measures how long the collector takes to poll the new one. */
  private static void failOverAndFollow(String what) {
    String before = simLeader();
    cluster.sim().inject(FaultSpec.of(FaultKind.MASTER_FAILOVER, null, null));
    String after = simLeader();
    assertThat(after).as(what).isNotEqualTo(before);
    long injected = System.nanoTime();
    await(what + ": the collector polls the new leader")
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> collector.collector().leadership().leader().map(after::equals).orElse(false));
    Duration followed = Duration.ofNanos(System.nanoTime() - injected);
    System.out.println(what + ": followed in " + followed.toMillis() + " ms (interval 1 s)");
    assertThat(followed).as(what + ": within one interval").isLessThan(Duration.ofMillis(2_500));
    await(what + ": ZooKeeper names the new leader first")
        .atMost(Duration.ofSeconds(15))
        .until(
            () -> {
              var known = collector.collector().knownMasters();
              return known.size() == 3 && known.get(0).getAuthority().equals(after);
            });
  }

  /** The ensemble's leader, asked with the four-letter word each server answers. */
  private static TestingZooKeeperServer ensembleLeader() {
    return zk.getServers().stream()
        .filter(s -> srvr(s.getInstanceSpec().getPort()).contains("Mode: leader"))
        .findFirst()
        .orElse(null);
  }

  private static String srvr(int port) {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(2_000);
      socket.getOutputStream().write("srvr".getBytes(StandardCharsets.US_ASCII));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      return ""; // down, or not serving yet
    }
  }

  private static final String DROPPED = "mesos.cluster.dropped_messages";

  /** Whether a master's counter went down (a reset) in a poll after {@code from}. */
  private static boolean resetAfter(List<MetricSnapshot> polls, Instant from) {
    for (int i = 1; i < polls.size(); i++) {
      if (polls.get(i).getPolledAt().isAfter(from)
          && polls.get(i).getMetrics().get(DROPPED) < polls.get(i - 1).getMetrics().get(DROPPED)) {
        return true;
      }
    }
    return false;
  }

  /** Every master HEALTHY with nothing pending and no reason. */
  private static boolean mastersQuiet() {
    ProcessorRest.Answer a = ProcessorRest.get(processor.apiUrl() + "/v1/nodes?role=master");
    if (a.status() != 200 || a.body().path("count").asInt() != 3) {
      return false;
    }
    for (var m : a.body().path("nodes")) {
      if (!m.path("state").asText().equals("HEALTHY")
          || m.has("pending")
          || !m.path("reasons").isEmpty()) {
        return false;
      }
    }
    return true;
  }

  @Test
  void failoversAndAZooKeeperLeaderChangeRaiseNoAlarm() throws Exception {
    // the leader drops messages for a while: its dropped-messages counter stands high when it
    // loses the leadership, and every master that leads afterwards starts it from zero again
    cluster
        .sim()
        .inject(
            new FaultSpec(
                FaultKind.DROPPED_MESSAGES,
                null,
                Duration.ofSeconds(3),
                Map.of("perSecond", "50")));
    await("the drops seen, then over")
        .atMost(Duration.ofSeconds(30))
        .until(() -> cluster.sim().faults().stream().noneMatch(f -> f.active()) && mastersQuiet());
    Instant from = Instant.now();
    failOverAndFollow("first failover");

    TestingZooKeeperServer old = ensembleLeader();
    assertThat(old).as("the ensemble has a leader").isNotNull();
    old.kill();
    await("the ensemble elects another leader")
        .atMost(Duration.ofSeconds(60))
        .until(() -> ensembleLeader() != null && ensembleLeader() != old);
    // a failover can leave the round it falls in without an elected master (the old leader polled
    // after the switch, the new one before it); two failovers in adjacent rounds are K = 2 such
    // rounds, a real "no leader" to report. Keep them apart by two clean rounds.
    long beforeSecond = collector.metrics().pollsTotal();
    await("two rounds after the first failover")
        .atMost(Duration.ofSeconds(30))
        .until(() -> collector.metrics().pollsTotal() > beforeSecond + 2 * (AGENTS + 3));
    failOverAndFollow("failover after the ZooKeeper leader changed");

    // several windows later: the processor has judged every snapshot from around the changes
    long polls = collector.metrics().pollsTotal();
    await("ten more rounds")
        .atMost(Duration.ofSeconds(60))
        .until(() -> collector.metrics().pollsTotal() > polls + 10 * (AGENTS + 3));
    // the silence after the stop makes nodes UNKNOWN, rightly: judge only the time before it
    Instant stopped = Instant.now();
    collector.stopPollingAndFlush();
    kafka.awaitCommitted("zk-processor", Topics.METRIC_SNAPSHOTS.name(), Duration.ofSeconds(60));

    List<ConsumerRecord<String, HealthTransition>> since =
        kafka.readAll(Topics.HEALTH_TRANSITIONS).stream()
            .filter(r -> r.value().getAt().isAfter(from) && r.value().getAt().isBefore(stopped))
            .toList();
    since.forEach(r -> System.out.println("transition: " + r.value()));
    // every node stays HEALTHY: UNKNOWN or GONE from a failover would be as false as UNREACHABLE
    List<ConsumerRecord<String, HealthTransition>> alarms =
        since.stream().filter(r -> r.value().getTo() != HealthStatus.HEALTHY).toList();
    assertThat(alarms).as("no agent, master or cluster flagged by the leader changes").isEmpty();
    assertThat(clusterState()).isEqualTo("HEALTHY");

    // the counter went down inside the judged time (a reset), and was never read as drops
    Map<String, List<MetricSnapshot>> byMaster = new HashMap<>();
    for (ConsumerRecord<String, MetricSnapshot> r : kafka.readAll(Topics.METRIC_SNAPSHOTS)) {
      if (r.value().getMetrics().containsKey(DROPPED)) {
        byMaster.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value());
      }
    }
    assertThat(byMaster.values())
        .as("a master whose dropped-messages counter went down after the first failover")
        .anyMatch(snapshots -> resetAfter(snapshots, from));
    List<String> dropsReported =
        kafka.readAll(Topics.HEALTH_STATES).stream()
            .filter(r -> r.value() != null && r.value().getEvaluatedAt().isAfter(from))
            .flatMap(r -> r.value().getReasons().stream())
            .map(reason -> reason.getRule())
            .filter("master.dropped-messages"::equals)
            .toList();
    assertThat(dropsReported).as("a counter reset reported as dropped messages").isEmpty();
  }
}
