package dev.mesoshealth.sim.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mesoshealth.sim.MesosSimulator;
import dev.mesoshealth.sim.SimConfig;
import dev.mesoshealth.sim.cluster.FaultKind;
import dev.mesoshealth.sim.cluster.FaultSpec;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Masters register as Mesos does, against a real (in-process) ZooKeeper. */
class ZkMasterRegistrationTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static TestingServer zk;
  private static CuratorFramework reader;

  @BeforeAll
  static void startZooKeeper() throws Exception {
    zk = new TestingServer(true);
    reader = CuratorFrameworkFactory.newClient(zk.getConnectString(), new RetryOneTime(100));
    reader.start();
  }

  @AfterAll
  static void stopZooKeeper() throws Exception {
    reader.close();
    zk.close();
  }

  /** MasterInfo of the lowest json.info_ child, or null when there is none. */
  private static JsonNode lowest(String path) throws Exception {
    if (reader.checkExists().forPath(path) == null) {
      return null;
    }
    List<String> children =
        reader.getChildren().forPath(path).stream()
            .filter(c -> c.startsWith("json.info_"))
            .sorted(Comparator.naturalOrder())
            .toList();
    if (children.isEmpty()) {
      return null;
    }
    return JSON.readTree(reader.getData().forPath(path + "/" + children.get(0)));
  }

  @Test
  void lowestSequenceIsTheLeaderAndFollowsFailovers() throws Exception {
    String path = "/mesos-failover";
    try (MesosSimulator sim = MesosSimulator.start(SimConfig.forTests(3, 2, 5))) {
      sim.registerInZooKeeper("zk://" + zk.getConnectString() + path);
      assertThat(reader.getChildren().forPath(path)).hasSize(3);

      JsonNode leader = lowest(path);
      String expected = sim.cluster().leader().orElseThrow().hostPort();
      assertThat(
              leader.get("address").get("ip").asText()
                  + ":"
                  + leader.get("address").get("port").asInt())
          .isEqualTo(expected);
      assertThat(leader.get("pid").asText()).isEqualTo("master@" + expected);
      assertThat(leader.get("ip").asLong())
          .isEqualTo(16842879L); // 127.0.1.1, byte-swapped as Mesos writes it

      sim.inject(FaultSpec.of(FaultKind.MASTER_FAILOVER, null, null));
      String next = sim.cluster().leader().orElseThrow().hostPort();
      await("ZooKeeper follows the failover")
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  (lowest(path).get("address").get("ip").asText()
                          + ":"
                          + lowest(path).get("address").get("port").asInt())
                      .equals(next));
      assertThat(reader.getChildren().forPath(path)).hasSize(3);
    }
  }

  @Test
  void noLeaderMeansNoRegisteredMaster() throws Exception {
    String path = "/mesos-noleader";
    try (MesosSimulator sim = MesosSimulator.start(SimConfig.forTests(3, 2, 6))) {
      sim.registerInZooKeeper("zk://" + zk.getConnectString() + path);
      var fault = sim.inject(FaultSpec.of(FaultKind.NO_LEADER, null, null));
      await().atMost(Duration.ofSeconds(10)).until(() -> lowest(path) == null);

      sim.clear(fault.id());
      await().atMost(Duration.ofSeconds(10)).until(() -> lowest(path) != null);
    }
  }

  @Test
  void downMasterLosesItsZnode() throws Exception {
    String path = "/mesos-down";
    try (MesosSimulator sim = MesosSimulator.start(SimConfig.forTests(3, 2, 7))) {
      sim.registerInZooKeeper("zk://" + zk.getConnectString() + path);
      sim.inject(FaultSpec.of(FaultKind.DOWN, "random-follower", null));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> reader.getChildren().forPath(path).size() == 2);
    }
  }
}
