package dev.mesoshealth.sim;

import java.time.Duration;

/**
 * How big a cluster to simulate and where it listens. Every address is on 127.0.0.0/8: masters at
 * 127.0.1.x, Marathon at 127.0.2.1, agent i at its own 127.(1+i/64516).x.y. Port 0 picks a free
 * port per node (tests); the standard ports are 5050, 5051 and 8080.
 *
 * @param apps Marathon apps; 0 picks a number that suits the cluster size
 * @param controlHost address of the control API: 127.0.0.1 unless it must be reached from elsewhere
 *     (a container)
 * @param agentPingTimeout how long an agent must be down before the master marks it unreachable
 *     (Mesos: agent_ping_timeout x max_agent_ping_timeouts = 15 s x 5)
 * @param sharedAgentSocket serve every agent from one socket on {@code agentPort} of all
 *     interfaces, routed by the loopback address each connection was made to, instead of one socket
 *     per agent: one file descriptor instead of 100,000. Opt-in because it binds beyond loopback
 *     (connections from anywhere else are dropped); agentPort 0 binds any free port.
 */
public record SimConfig(
    String cluster,
    int masters,
    int agents,
    long seed,
    int apps,
    int masterPort,
    int agentPort,
    int marathonPort,
    int controlPort,
    String controlHost,
    Duration agentPingTimeout,
    boolean sharedAgentSocket) {

  public static final int MAX_AGENTS = 200_000;
  public static final String LOOPBACK = "127.0.0.1";

  public SimConfig {
    if (cluster == null || !cluster.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}")) {
      throw new IllegalArgumentException(
          "cluster name must be 1-63 letters, digits, '.', '_' or '-', got '" + cluster + "'");
    }
    if (masters < 1 || masters > 9) {
      throw new IllegalArgumentException("masters must be 1..9, got " + masters);
    }
    if (agents < 0 || agents > MAX_AGENTS) {
      throw new IllegalArgumentException("agents must be 0.." + MAX_AGENTS + ", got " + agents);
    }
    if (apps < 0 || apps > 1000) {
      throw new IllegalArgumentException("apps must be 0..1000, got " + apps);
    }
    for (int port : new int[] {masterPort, agentPort, marathonPort, controlPort}) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("ports must be 0..65535, got " + port);
      }
    }
    if (controlHost == null || controlHost.isBlank()) {
      throw new IllegalArgumentException("controlHost must be an address, e.g. 127.0.0.1");
    }
    if (agentPingTimeout == null || agentPingTimeout.isNegative()) {
      throw new IllegalArgumentException("agentPingTimeout must be >= 0");
    }
  }

  /** A cluster on free ports, for tests. */
  public static SimConfig forTests(int masters, int agents, long seed) {
    return new SimConfig(
        "sim", masters, agents, seed, 0, 0, 0, 0, 0, LOOPBACK, Duration.ofSeconds(75), false);
  }

  /** The standard ports, as a real cluster has them. */
  public static SimConfig standard(int masters, int agents, long seed) {
    return new SimConfig(
        "sim",
        masters,
        agents,
        seed,
        0,
        5050,
        5051,
        8080,
        5099,
        LOOPBACK,
        Duration.ofSeconds(75),
        false);
  }

  public SimConfig withCluster(String name) {
    return new SimConfig(
        name,
        masters,
        agents,
        seed,
        apps,
        masterPort,
        agentPort,
        marathonPort,
        controlPort,
        controlHost,
        agentPingTimeout,
        sharedAgentSocket);
  }

  public SimConfig withApps(int n) {
    return new SimConfig(
        cluster,
        masters,
        agents,
        seed,
        n,
        masterPort,
        agentPort,
        marathonPort,
        controlPort,
        controlHost,
        agentPingTimeout,
        sharedAgentSocket);
  }

  public SimConfig withPorts(int master, int agent, int marathon, int control) {
    return new SimConfig(
        cluster,
        masters,
        agents,
        seed,
        apps,
        master,
        agent,
        marathon,
        control,
        controlHost,
        agentPingTimeout,
        sharedAgentSocket);
  }

  public SimConfig withControlHost(String host) {
    return new SimConfig(
        cluster,
        masters,
        agents,
        seed,
        apps,
        masterPort,
        agentPort,
        marathonPort,
        controlPort,
        host,
        agentPingTimeout,
        sharedAgentSocket);
  }

  public SimConfig withAgentPingTimeout(Duration timeout) {
    return new SimConfig(
        cluster,
        masters,
        agents,
        seed,
        apps,
        masterPort,
        agentPort,
        marathonPort,
        controlPort,
        controlHost,
        timeout,
        sharedAgentSocket);
  }

  public SimConfig withSharedAgentSocket(boolean shared) {
    return new SimConfig(
        cluster,
        masters,
        agents,
        seed,
        apps,
        masterPort,
        agentPort,
        marathonPort,
        controlPort,
        controlHost,
        agentPingTimeout,
        shared);
  }

  public static String masterIp(int index) {
    return "127.0.1." + (index + 1);
  }

  public static String marathonIp() {
    return "127.0.2.1";
  }

  /** Agent i's own loopback address: 127.1.1.1, 127.1.1.2, ... */
  public static String agentIp(int index) {
    int block = index / 64_516;
    int rest = index % 64_516;
    return "127." + (1 + block) + "." + (1 + rest / 254) + "." + (1 + rest % 254);
  }
}
