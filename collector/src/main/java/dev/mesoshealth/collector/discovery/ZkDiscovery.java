package dev.mesoshealth.collector.discovery;

import dev.mesoshealth.collector.core.InvalidResponseException;
import dev.mesoshealth.collector.core.MasterInfoParser;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.CuratorWatcher;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Masters from ZooKeeper, as Mesos registers them: the {@code json.info_<seq>} children of the
 * path, lowest sequence leading; other children are ignored. A watch re-reads the children on every
 * change, and again after a reconnect (a change made while this client was cut off from ZooKeeper
 * fires no watch); if ZooKeeper is unreachable the last list read stays in use.
 */
public final class ZkDiscovery implements MasterDiscovery {
  private static final Logger log = LoggerFactory.getLogger(ZkDiscovery.class);
  private static final String PREFIX = "json.info_";

  private final String url;
  private final String connectString;
  private final String path;
  private final String scheme;

  /**
   * Re-reads happen here, never on ZooKeeper's event thread: a read blocked there during a
   * reconnect holds up the very events that would end it, and the watch is never set again.
   */
  private final ExecutorService refresher =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "zk-discovery");
            t.setDaemon(true);
            return t;
          });

  private final AtomicBoolean refreshQueued = new AtomicBoolean();

  /**
   * One watcher for every read, so ZooKeeper keeps one registration however often we re-read.
   * Connection events (type None) are left to the reconnect listener.
   */
  private final CuratorWatcher watcher =
      event -> {
        if (event.getType() != Watcher.Event.EventType.None) {
          requestRefresh();
        }
      };

  private CuratorFramework client;
  private volatile List<URI> masters = List.of();
  private volatile boolean warned;

  /**
   * @param zkUrl zk://host:port[,host:port...]/path
   * @param scheme http or https for the masters found
   */
  public ZkDiscovery(String zkUrl, String scheme) {
    if (zkUrl == null || !zkUrl.startsWith("zk://")) {
      throw new IllegalArgumentException(
          "mesos.zk must look like zk://host:2181/mesos, got '" + zkUrl + "'");
    }
    String rest = zkUrl.substring(5);
    int at = rest.indexOf('@');
    if (at >= 0) {
      rest = rest.substring(at + 1); // credentials in the URL are not supported; never logged
    }
    int slash = rest.indexOf('/');
    if (slash <= 0 || slash == rest.length() - 1) {
      throw new IllegalArgumentException("mesos.zk needs hosts and a path: zk://host:2181/mesos");
    }
    this.url = "zk://" + rest;
    this.connectString = rest.substring(0, slash);
    this.path = rest.substring(slash);
    this.scheme = scheme;
  }

  @Override
  public void start() {
    client =
        CuratorFrameworkFactory.newClient(
            connectString, 30_000, 5_000, new ExponentialBackoffRetry(500, 10));
    client
        .getConnectionStateListenable()
        .addListener(
            (c, state) -> {
              if (state == ConnectionState.RECONNECTED) {
                requestRefresh();
              }
            });
    client.start();
    try {
      if (!client.blockUntilConnected(10, TimeUnit.SECONDS)) {
        log.warn("ZooKeeper at {} not reachable yet; will keep trying", connectString);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // the first read runs on the refresher thread too, so two reads never race to set the list
    try {
      refresher.submit(this::refresh).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      throw new IllegalStateException("reading masters from " + url + " failed", e.getCause());
    }
  }

  private void requestRefresh() {
    if (refreshQueued.compareAndSet(false, true)) {
      try {
        refresher.execute(
            () -> {
              refreshQueued.set(false);
              refresh();
            });
      } catch (RejectedExecutionException e) {
        // closed
      }
    }
  }

  /** Reads the children again and sets a watch for the next change. */
  private void refresh() {
    if (client.getState() != org.apache.curator.framework.imps.CuratorFrameworkState.STARTED) {
      return;
    }
    try {
      List<String> children =
          new ArrayList<>(client.getChildren().usingWatcher(watcher).forPath(path));
      children.removeIf(c -> !c.startsWith(PREFIX));
      children.sort(null);
      List<URI> found = new ArrayList<>();
      for (String child : children) {
        try {
          byte[] data = client.getData().forPath(path + "/" + child);
          found.add(URI.create(scheme + "://" + MasterInfoParser.address(data)));
        } catch (KeeperException.NoNodeException e) {
          // left between listing and reading
        } catch (InvalidResponseException e) {
          log.warn("ignoring ZooKeeper node {}/{}: {}", path, child, e.getMessage());
        }
      }
      masters = List.copyOf(found);
      warned = false;
    } catch (KeeperException.NoNodeException e) {
      masters = List.of();
      watchForPath();
    } catch (Exception e) {
      if (!warned) {
        warned = true;
        log.warn(
            "cannot read masters from {}: {}; keeping the last list ({} masters)",
            url,
            e.getMessage(),
            masters.size());
      }
    }
  }

  private void watchForPath() {
    try {
      client.checkExists().usingWatcher(watcher).forPath(path);
    } catch (Exception e) {
      log.warn("cannot watch {}: {}", url, e.getMessage());
    }
  }

  @Override
  public List<URI> masters() {
    return masters;
  }

  @Override
  public Optional<URI> leaderHint() {
    List<URI> m = masters;
    return m.isEmpty() ? Optional.empty() : Optional.of(m.get(0));
  }

  @Override
  public void close() {
    refresher.shutdownNow();
    if (client != null) {
      client.close();
    }
  }

  @Override
  public String toString() {
    return url;
  }
}
