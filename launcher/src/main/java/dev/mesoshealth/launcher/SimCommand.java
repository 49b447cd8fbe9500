package dev.mesoshealth.launcher;

import dev.mesoshealth.sim.MesosSimulator;
import dev.mesoshealth.sim.SimConfig;
import dev.mesoshealth.sim.scenario.Scenario;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mesos-health sim}: runs a simulated Mesos cluster until stopped. */
@Command(
    name = "sim",
    mixinStandardHelpOptions = true,
    description = {
      "Runs a simulated Mesos cluster with a control API to inject faults.",
      "Masters, agents and Marathon listen on loopback addresses: masters at 127.0.1.x,",
      "Marathon at 127.0.2.1, agent i at 127.1.x.y."
    })
final class SimCommand implements Callable<Integer> {
  @Option(
      names = "--masters",
      defaultValue = "3",
      description = "Masters (default ${DEFAULT-VALUE}).")
  int masters;

  @Option(
      names = "--agents",
      defaultValue = "200",
      description = "Agents (default ${DEFAULT-VALUE}).")
  int agents;

  @Option(
      names = "--seed",
      defaultValue = "7",
      description = "Random seed; the same seed gives the same cluster (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--apps",
      defaultValue = "0",
      description = "Marathon apps; 0 picks a number to suit the cluster.")
  int apps;

  @Option(
      names = "--cluster",
      defaultValue = "sim",
      description = "Cluster name (default ${DEFAULT-VALUE}).")
  String cluster;

  @Option(
      names = "--scenario",
      description = "Scenario file (YAML or JSON) of faults to inject over time.")
  Path scenario;

  @Option(
      names = "--zk",
      description = "Register the masters in ZooKeeper, e.g. zk://127.0.0.1:2181/mesos.")
  String zk;

  @Option(
      names = "--master-port",
      defaultValue = "5050",
      description = "Master port, 0 for any (default ${DEFAULT-VALUE}).")
  int masterPort;

  @Option(
      names = "--agent-port",
      defaultValue = "5051",
      description = "Agent port, 0 for any (default ${DEFAULT-VALUE}).")
  int agentPort;

  @Option(
      names = "--marathon-port",
      defaultValue = "8080",
      description = "Marathon port (default ${DEFAULT-VALUE}).")
  int marathonPort;

  @Option(
      names = "--control-port",
      defaultValue = "5099",
      description = "Control API port (default ${DEFAULT-VALUE}).")
  int controlPort;

  @Option(
      names = "--control-host",
      defaultValue = SimConfig.LOOPBACK,
      description =
          "Address of the control API (default ${DEFAULT-VALUE}; 0.0.0.0 to reach it from"
              + " outside a container).")
  String controlHost;

  @Option(
      names = "--agent-ping-timeout",
      defaultValue = "75s",
      converter = DurationConverter.class,
      description =
          "How long an agent must be down before the master marks it unreachable (default ${DEFAULT-VALUE}).")
  Duration agentPingTimeout;

  @Option(
      names = "--shared-agent-socket",
      description =
          "Serve every agent from one socket on --agent-port (all interfaces; connections from"
              + " outside loopback are dropped) instead of one socket per agent: for 100,000"
              + " agents under an open-files limit.")
  boolean sharedAgentSocket;

  @Override
  public Integer call() throws Exception {
    Scenario script = scenario == null ? null : Scenario.parse(scenario);
    SimConfig config =
        new SimConfig(
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
            sharedAgentSocket);
    MesosSimulator sim = MesosSimulator.start(config);
    try {
      if (zk != null) {
        sim.registerInZooKeeper(zk);
      }
      if (script != null) {
        sim.play(script);
      }
    } catch (RuntimeException e) {
      sim.close();
      throw e;
    }
    System.out.println("mesos-sim: " + masters + " masters, " + agents + " agents, seed " + seed);
    System.out.println("  masters:  " + String.join(" ", sim.masterUrls()));
    System.out.println("  marathon: " + sim.marathonUrl());
    System.out.println(
        "  control:  "
            + sim.controlUrl()
            + "/v1/cluster  (faults: POST "
            + sim.controlUrl()
            + "/v1/faults)");
    sim.zkUrl().ifPresent(url -> System.out.println("  zk:       " + url));
    System.out.println("Press Ctrl-C to stop.");
    return Services.runUntilStopped(sim, "sim");
  }
}
