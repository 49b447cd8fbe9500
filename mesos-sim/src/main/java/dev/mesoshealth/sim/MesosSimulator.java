package dev.mesoshealth.sim;

import dev.mesoshealth.sim.cluster.FaultRecord;
import dev.mesoshealth.sim.cluster.FaultSpec;
import dev.mesoshealth.sim.cluster.SimAgent;
import dev.mesoshealth.sim.cluster.SimCluster;
import dev.mesoshealth.sim.cluster.SimMaster;
import dev.mesoshealth.sim.control.ControlApi;
import dev.mesoshealth.sim.http.SimHttpServer;
import dev.mesoshealth.sim.http.SimHttpServer.Listener;
import dev.mesoshealth.sim.scenario.Scenario;
import dev.mesoshealth.sim.scenario.ScenarioRunner;
import dev.mesoshealth.sim.zk.ZkMasterRegistration;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running simulated Mesos cluster: every master, agent and Marathon listening at its own loopback
 * address, a ticker that advances the cluster every second, the control API, and optionally a
 * scenario and ZooKeeper registration. Usable from tests and the CLI.
 */
public final class MesosSimulator implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MesosSimulator.class);

  private final SimConfig config;
  private final SimCluster cluster;
  private final SimHttpServer server;
  private final SimRoutes routes;
  private final Map<String, Listener> agentListeners = new HashMap<>();
  private final List<Listener> masterListeners = new ArrayList<>();
  private final Listener marathon;
  private final ScheduledExecutorService ticker;
  private final ControlApi control;
  private ScenarioRunner scenario;
  private ZkMasterRegistration zk;
  private int sharedAgentPort; // the shared agent socket's port, once bound

  private MesosSimulator(SimConfig config, Clock clock) throws IOException {
    this.config = config;
    this.cluster = new SimCluster(config, clock);
    this.server = new SimHttpServer("mesos-sim", 2, Duration.ofSeconds(60));
    this.routes = new SimRoutes(cluster);
    try {
      for (SimMaster m : cluster.masters()) {
        Listener l = server.listen(new InetSocketAddress(m.ip(), m.port()), routes.master(m));
        m.setPort(l.address().getPort());
        masterListeners.add(l);
      }
      if (config.sharedAgentSocket()) {
        sharedAgentPort = server.shareAllInterfaces(config.agentPort());
        log.warn(
            "every agent is served from one socket on 0.0.0.0:{} (all interfaces); connections"
                + " from outside loopback are dropped",
            sharedAgentPort);
      }
      this.marathon =
          server.listen(
              new InetSocketAddress(SimConfig.marathonIp(), config.marathonPort()),
              routes.marathon());
      syncListeners();
      cluster.onTopologyChange(c -> syncListeners());
      this.control = new ControlApi(this, config.controlHost(), config.controlPort());
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
    this.ticker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "mesos-sim-ticker");
              t.setDaemon(true);
              return t;
            });
    ticker.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
  }

  /** Starts a simulated cluster on the wall clock. */
  public static MesosSimulator start(SimConfig config) {
    return start(config, Clock.systemUTC());
  }

  /**
   * Starts a simulated cluster whose time comes from the clock; with a clock the caller moves, the
   * cluster changes only when the caller advances it (tests).
   */
  public static MesosSimulator start(SimConfig config, Clock clock) {
    try {
      return new MesosSimulator(config, clock);
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
  }

  private void tick() {
    try {
      cluster.tick();
    } catch (RuntimeException e) {
      log.warn("simulator tick failed: {}", e.toString());
    }
  }

  /** Opens and closes agent, master and Marathon listeners to match which nodes are up. */
  private void syncListeners() {
    synchronized (cluster) {
      for (SimAgent a : cluster.agents()) {
        Listener l = agentListeners.get(a.id());
        try {
          if (l == null && a.listening()) {
            InetSocketAddress at =
                new InetSocketAddress(
                    a.ip(), config.sharedAgentSocket() ? sharedAgentPort : a.port());
            l =
                config.sharedAgentSocket()
                    ? server.listenShared(at, routes.agent(a))
                    : server.listen(at, routes.agent(a));
            a.setPort(l.address().getPort());
            agentListeners.put(a.id(), l);
          } else if (l != null && a.listening() && !l.isOpen()) {
            l.open();
          } else if (l != null && !a.listening() && l.isOpen()) {
            l.close();
          }
        } catch (IOException e) {
          throw new UncheckedIOException("agent " + a.id() + ": " + e.getMessage(), e);
        }
      }
      List<SimMaster> masters = cluster.masters();
      for (int i = 0; i < masters.size(); i++) {
        toggle(masterListeners.get(i), masters.get(i).listening());
      }
      toggle(marathon, !cluster.marathonFaults().down);
    }
  }

  private static void toggle(Listener l, boolean up) {
    try {
      if (up && !l.isOpen()) {
        l.open();
      } else if (!up && l.isOpen()) {
        l.close();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
  }

  public SimConfig config() {
    return config;
  }

  public SimCluster cluster() {
    return cluster;
  }

  /** http://ip:port of every master, in order. */
  public List<String> masterUrls() {
    return cluster.masters().stream().map(m -> "http://" + m.hostPort()).toList();
  }

  public String marathonUrl() {
    return "http://" + SimConfig.marathonIp() + ":" + marathon.address().getPort();
  }

  public String controlUrl() {
    return control.url();
  }

  /** The ZooKeeper URL masters register under, when registration is on. */
  public Optional<String> zkUrl() {
    return Optional.ofNullable(zk).map(ZkMasterRegistration::url);
  }

  /** http://ip:port of an agent. */
  public String agentUrl(SimAgent agent) {
    return "http://" + agent.ip() + ":" + agent.port();
  }

  public long requestsServed() {
    return server.requestsServed();
  }

  public FaultRecord inject(FaultSpec spec) {
    return cluster.inject(spec);
  }

  public Optional<FaultRecord> clear(long faultId) {
    return cluster.clear(faultId);
  }

  public List<FaultRecord> faults() {
    return cluster.faults();
  }

  /** Runs a scenario from now on; replaces any scenario already running. */
  public synchronized void play(Scenario script) {
    if (scenario != null) {
      scenario.close();
    }
    scenario = new ScenarioRunner(this, script, ticker);
    scenario.start();
  }

  /**
   * Registers every master under a ZooKeeper path (zk://host:port[,host:port]/path), lowest
   * sequence leading, and keeps the registration in step with failovers.
   */
  public synchronized void registerInZooKeeper(String zkUrl) {
    if (zk != null) {
      throw new IllegalStateException("already registered in " + zk.url());
    }
    zk = new ZkMasterRegistration(zkUrl, cluster);
    zk.start();
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    synchronized (this) {
      if (scenario != null) {
        scenario.close();
      }
      if (zk != null) {
        zk.close();
      }
    }
    control.close();
    server.close();
  }
}
