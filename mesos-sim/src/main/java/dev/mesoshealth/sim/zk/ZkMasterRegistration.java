package dev.mesoshealth.sim.zk;

import dev.mesoshealth.sim.cluster.SimCluster;
import dev.mesoshealth.sim.cluster.SimMaster;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the simulated masters in ZooKeeper the way Mesos does: each master that is up holds an
 * ephemeral sequential {@code json.info_<seq>} znode with its MasterInfo as JSON, and the lowest
 * sequence is the leader. When the simulated leader changes, znodes are re-created so the new
 * leader holds the lowest sequence; with no leader, no master is registered.
 */
public final class ZkMasterRegistration implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ZkMasterRegistration.class);
  private static final String PREFIX = "json.info_";

  private final String url;
  private final String connectString;
  private final String path;
  private final SimCluster cluster;
  private final ExecutorService worker;
  private final Map<Integer, String> znodes = new HashMap<>();
  private CuratorFramework client;

  public ZkMasterRegistration(String url, SimCluster cluster) {
    if (url == null || !url.startsWith("zk://")) {
      throw new IllegalArgumentException(
          "ZooKeeper URL must look like zk://host:port/path, got '" + url + "'");
    }
    String rest = url.substring("zk://".length());
    int slash = rest.indexOf('/');
    if (slash <= 0 || slash == rest.length() - 1) {
      throw new IllegalArgumentException(
          "ZooKeeper URL needs hosts and a path: zk://host:port/mesos, got '" + url + "'");
    }
    this.url = url;
    this.connectString = rest.substring(0, slash);
    this.path = rest.substring(slash);
    this.cluster = cluster;
    this.worker =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "mesos-sim-zk");
              t.setDaemon(true);
              return t;
            });
  }

  public String url() {
    return url;
  }

  public void start() {
    client =
        CuratorFrameworkFactory.newClient(
            connectString, 10_000, 5_000, new ExponentialBackoffRetry(200, 5));
    client.start();
    try {
      if (!client.blockUntilConnected(10, java.util.concurrent.TimeUnit.SECONDS)) {
        throw new IllegalStateException("cannot reach ZooKeeper at " + connectString);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted connecting to ZooKeeper", e);
    }
    reconcile();
    cluster.onTopologyChange(c -> worker.execute(this::reconcile));
  }

  /** Makes the znodes match the cluster: up masters registered, the leader lowest. */
  private synchronized void reconcile() {
    try {
      List<SimMaster> masters;
      int leader;
      synchronized (cluster) {
        masters = cluster.masters();
        leader = cluster.leader().map(masters::indexOf).orElse(-1);
      }
      boolean needReorder = leader >= 0 && !holdsLowest(leader);
      for (int i = 0; i < masters.size(); i++) {
        boolean wanted = leader >= 0 && masters.get(i).listening();
        if (znodes.containsKey(i) && (!wanted || needReorder)) {
          delete(i);
        }
      }
      if (leader >= 0) {
        create(leader, masters.get(leader));
        for (int i = 0; i < masters.size(); i++) {
          if (masters.get(i).listening()) {
            create(i, masters.get(i));
          }
        }
      }
    } catch (Exception e) {
      log.warn("ZooKeeper registration at {} failed: {}", url, e.toString());
    }
  }

  private boolean holdsLowest(int index) {
    String mine = znodes.get(index);
    if (mine == null) {
      return false;
    }
    for (String other : znodes.values()) {
      if (other.compareTo(mine) < 0) {
        return false;
      }
    }
    return true;
  }

  private void create(int index, SimMaster m) throws Exception {
    if (znodes.containsKey(index)) {
      return;
    }
    String created =
        client
            .create()
            .creatingParentsIfNeeded()
            .withMode(CreateMode.EPHEMERAL_SEQUENTIAL)
            .forPath(path + "/" + PREFIX, masterInfo(m).getBytes(StandardCharsets.UTF_8));
    znodes.put(index, created);
  }

  private void delete(int index) throws Exception {
    String node = znodes.remove(index);
    try {
      client.delete().forPath(node);
    } catch (KeeperException.NoNodeException e) {
      // already gone with its session
    }
  }

  /** MasterInfo as Mesos writes it; the top-level "ip" is the address as a little-endian int. */
  static String masterInfo(SimMaster m) {
    String[] octets = m.ip().split("\\.");
    long ip = 0;
    for (int i = 3; i >= 0; i--) {
      ip = (ip << 8) | Integer.parseInt(octets[i]);
    }
    return "{\"address\":{\"hostname\":\""
        + m.hostname()
        + "\",\"ip\":\""
        + m.ip()
        + "\",\"port\":"
        + m.port()
        + "},\"hostname\":\""
        + m.hostname()
        + "\",\"id\":\""
        + m.id()
        + "\",\"ip\":"
        + ip
        + ",\"pid\":\"master@"
        + m.hostPort()
        + "\",\"port\":"
        + m.port()
        + ",\"version\":\"1.9.0\"}";
  }

  @Override
  public void close() {
    worker.shutdownNow();
    if (client != null) {
      client.close();
    }
  }
}
