package dev.mesoshealth.launcher;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mesos-health demo}: everything in one JVM, on a simulated cluster. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the whole pipeline in one JVM, against a simulated cluster.",
      "An embedded Kafka broker, a simulated Mesos cluster with a scenario of faults, the",
      "collector, the processor with its REST API, and the web console. Data is kept in",
      "--data-dir, so a second run starts in seconds."
    })
final class DemoCommand implements Callable<Integer> {
  @Option(
      names = "--agents",
      defaultValue = "50",
      description = "Simulated agents (default ${DEFAULT-VALUE}).")
  int agents;

  @Option(
      names = "--masters",
      defaultValue = "3",
      description = "Simulated masters (default ${DEFAULT-VALUE}).")
  int masters;

  @Option(
      names = "--poll-interval",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description = "How often every node is polled (default ${DEFAULT-VALUE}; 2s works).")
  Duration pollInterval;

  @Option(
      names = "--seed",
      defaultValue = "7",
      description = "Simulator seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--scenario",
      description = "Scenario file (YAML or JSON) instead of the default one.")
  Path scenario;

  @Option(
      names = "--api-port",
      defaultValue = "8081",
      description = "Processor REST API port (default ${DEFAULT-VALUE}).")
  int apiPort;

  @Option(
      names = "--console-port",
      defaultValue = "8080",
      description = "Web console port (default ${DEFAULT-VALUE}).")
  int consolePort;

  @Option(
      names = "--bootstrap-servers",
      paramLabel = "HOST:PORT",
      description = "Use this Kafka instead of the embedded broker.")
  String bootstrapServers;

  @Option(
      names = "--kafka-port",
      defaultValue = "9092",
      description =
          "Port of the embedded broker; its controller takes the next one (default ${DEFAULT-VALUE}).")
  int kafkaPort;

  @Option(
      names = "--data-dir",
      defaultValue = ".mesos-health/demo",
      description =
          "Where the broker and the state stores keep their data (default ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--fresh", description = "Wipe the data directory first.")
  boolean fresh;

  @Option(
      names = "--sim-ports",
      defaultValue = "standard",
      description =
          "standard: masters on :5050, agents on :5051, Marathon on :8080, control on :5099; any: free ports.")
  String simPorts;

  @Option(
      names = "--haproxy-socket",
      paramLabel = "SOCKET",
      description =
          "Also run the HAProxy updater in dry run against this HAProxy admin socket (it logs"
              + " what it would change).")
  String haproxySocket;

  @Option(
      names = "--etcd",
      paramLabel = "URL",
      description =
          "Also run the etcd updater against this etcd (records under /mesos-health-demo).")
  String etcd;

  @Option(
      names = "--alertmanager",
      paramLabel = "URL",
      description = "Also run the alerter, telling this Prometheus Alertmanager what fires.")
  String alertmanager;

  @Override
  public Integer call() throws Exception {
    if (!simPorts.equals("standard") && !simPorts.equals("any")) {
      System.err.println("demo: --sim-ports is 'standard' or 'any', got '" + simPorts + "'");
      return 2;
    }
    if (agents < 1 || agents > 15_000) {
      System.err.println(
          "demo: --agents must be 1..15000 (one listening address per agent), got " + agents);
      return 2;
    }
    Demo demo =
        Demo.start(
            new Demo.Options(
                agents,
                masters,
                pollInterval,
                seed,
                scenario,
                apiPort,
                consolePort,
                bootstrapServers,
                dataDir,
                fresh,
                kafkaPort,
                simPorts.equals("standard"),
                haproxySocket,
                etcd,
                alertmanager),
            System.out);
    return Services.runUntilStopped(
        () -> {
          System.out.println("mesos-health demo: stopping...");
          demo.close();
        },
        "demo");
  }
}
