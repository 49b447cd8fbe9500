package dev.mesoshealth.bench;

import dev.mesoshealth.schemas.topics.Topics;
import dev.mesoshealth.service.Durations;
import dev.mesoshealth.sim.SimConfig;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/**
 * {@code bench/run}: the benchmarks whose figures go to docs/benchmarks.md. Shipped apart from the
 * product: the launcher does not carry them, nor JMH.
 */
@Command(
    name = "bench/run",
    mixinStandardHelpOptions = true,
    description = {
      "Benchmarks: how big a cluster one machine can watch and how fast it notices.",
      "Prints markdown tables for docs/benchmarks.md."
    },
    subcommands = {
      BenchMain.E2e.class,
      BenchMain.Sim.class,
      BenchMain.Processor.class,
      BenchMain.Collector.class,
      BenchMain.State.class,
      BenchMain.Serde.class
    })
public final class BenchMain implements Runnable {
  public static void main(String[] args) {
    System.exit(new CommandLine(new BenchMain()).execute(args));
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  /** Lets flags take durations as people write them: 2s, 500ms, 5m, PT10S. */
  static final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      return Durations.parse(value);
    }
  }

  @Command(
      name = "e2e",
      mixinStandardHelpOptions = true,
      description = {
        "The whole pipeline under load in one JVM: simulator, broker, collector, processor.",
        "After a warm-up it injects an agent failure every --fault-every and reports throughput,",
        "loss, detection latency, CPU per component, peak RSS and the collector's schedule lag."
      })
  static final class E2e implements Callable<Integer> {
    @Option(
        names = "--agents",
        defaultValue = "1000",
        description = "Agents (default ${DEFAULT-VALUE}).")
    int agents;

    @Option(
        names = "--masters",
        defaultValue = "3",
        description = "Masters (default ${DEFAULT-VALUE}).")
    int masters;

    @Option(
        names = "--poll-interval",
        defaultValue = "10s",
        converter = DurationConverter.class,
        description = "Poll interval (default ${DEFAULT-VALUE}).")
    Duration pollInterval;

    @Option(
        names = "--duration",
        defaultValue = "5m",
        converter = DurationConverter.class,
        description = "How long to measure after the warm-up (default ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(
        names = "--fault-every",
        defaultValue = "10s",
        converter = DurationConverter.class,
        description = "Inject an agent failure this often (default ${DEFAULT-VALUE}).")
    Duration faultEvery;

    @Option(
        names = "--bootstrap-servers",
        paramLabel = "HOST:PORT",
        description = "Use this Kafka instead of an embedded broker.")
    String bootstrapServers;

    @Option(names = "--seed", defaultValue = "7", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(
        names = "--shared-agent-socket",
        description =
            "Serve every agent from one socket on one free port (as sim --shared-agent-socket);"
                + " needed beyond 15,000 agents.")
    boolean sharedAgentSocket;

    @Option(
        names = "--fault-kinds",
        split = ",",
        defaultValue = "DOWN",
        description =
            "Faults to take turns with (default ${DEFAULT-VALUE}): DOWN (refused), HUNG (never"
                + " answers) must be detected; BLIP (refused for 1.5 s) must not be.")
    java.util.List<dev.mesoshealth.sim.cluster.FaultKind> faultKinds;

    @Option(
        names = "--collector-set",
        paramLabel = "KEY=VALUE",
        description = "A collector setting, e.g. --collector-set http.max.concurrency=256.")
    java.util.Map<String, String> collectorSettings = java.util.Map.of();

    @Option(
        names = "--processor-set",
        paramLabel = "KEY=VALUE",
        description =
            "A processor setting, e.g. --processor-set kafka.consumer.max.poll.records=5000.")
    java.util.Map<String, String> processorSettings = java.util.Map.of();

    @Option(
        names = "--collectors",
        defaultValue = "1",
        description =
            "Collectors, each in a JVM of its own sharing the agents through their Kafka group"
                + " (shard=kafka), when more than one of them or of the processors (default"
                + " ${DEFAULT-VALUE}: everything in this JVM). Such a run also kills the"
                + " collector polling the masters (SIGKILL), then starts one more.")
    int collectors;

    @Option(
        names = "--processors",
        defaultValue = "1",
        description = "Processors, each in a JVM of its own (default ${DEFAULT-VALUE}).")
    int processors;

    @Option(
        names = "--session-timeout",
        defaultValue = "10s",
        converter = DurationConverter.class,
        description =
            "With --collectors: the collectors' shard.session.timeout (default ${DEFAULT-VALUE}).")
    Duration sessionTimeout;

    @Override
    public Integer call() throws Exception {
      if (collectors < 1 || processors < 1) {
        System.err.println("bench e2e: --collectors and --processors must be at least 1");
        return 2;
      }
      if (collectors > 1 || processors > 1) {
        return scaleOut();
      }
      int most = sharedAgentSocket ? SimConfig.MAX_AGENTS : 15_000;
      if (agents < 1 || agents > most) {
        System.err.println(
            "bench e2e: --agents must be 1.."
                + most
                + (sharedAgentSocket ? "" : " (a socket each; --shared-agent-socket for more)"));
        return 2;
      }
      E2eBench.Result r =
          new E2eBench(
                  new E2eBench.Options(
                      agents,
                      masters,
                      Topics.PARTITIONS,
                      pollInterval,
                      duration,
                      faultEvery,
                      bootstrapServers,
                      seed,
                      sharedAgentSocket,
                      collectorSettings,
                      processorSettings,
                      faultKinds))
              .run();
      System.out.println(r.markdown());
      return r.lossless() ? 0 : 1;
    }

    private int scaleOut() throws Exception {
      java.util.List<String> jvm = new java.util.ArrayList<>(java.util.List.of("-Xmx1g"));
      if (Runtime.getRuntime().availableProcessors() <= 2) {
        // as bin/mesos-health does on small machines (docs/design.md)
        jvm.add("-Djava.util.concurrent.ForkJoinPool.common.parallelism=2");
      }
      ScaleOutBench.Result r =
          new ScaleOutBench(
                  new ScaleOutBench.Options(
                      agents,
                      Topics.PARTITIONS,
                      collectors,
                      processors,
                      pollInterval,
                      sessionTimeout,
                      duration,
                      faultEvery,
                      jvm,
                      seed))
              .run();
      System.out.println(r.markdown());
      return r.lossless() ? 0 : 1;
    }
  }

  @Command(
      name = "sim",
      mixinStandardHelpOptions = true,
      description = "How many agents one simulator process serves at a 10 s cadence.")
  static final class Sim implements Callable<Integer> {
    @Option(
        names = "--agents",
        defaultValue = "10000",
        description = "Agents (default ${DEFAULT-VALUE}).")
    int agents;

    @Option(
        names = "--duration",
        defaultValue = "60s",
        converter = DurationConverter.class,
        description = "How long to measure (default ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(
        names = "--interval",
        defaultValue = "10s",
        converter = DurationConverter.class,
        description = "How often each agent is polled (default ${DEFAULT-VALUE}).")
    Duration interval;

    @Option(
        names = "--shared-agent-socket",
        description = "Serve every agent from one socket (as sim --shared-agent-socket).")
    boolean sharedAgentSocket;

    @Override
    public Integer call() throws Exception {
      SimScaleBench.Result r =
          new SimScaleBench(agents, interval, duration, sharedAgentSocket).run();
      System.out.println(SimScaleBench.Result.markdownHeader());
      System.out.println(r.markdownRow());
      return 0;
    }
  }

  @Command(
      name = "processor",
      mixinStandardHelpOptions = true,
      description =
          "The processor's records/s on a backlog of snapshots against a bare consumer that only"
              + " reads and decodes them (its efficiency).")
  static final class Processor implements Callable<Integer> {
    @Option(
        names = "--agents",
        defaultValue = "10000",
        description = "Agents (default ${DEFAULT-VALUE}).")
    int agents;

    @Option(
        names = "--rounds",
        defaultValue = "20",
        description = "Snapshots per agent in the backlog (default ${DEFAULT-VALUE}).")
    int rounds;

    @Override
    public Integer call() throws Exception {
      System.out.println(
          new dev.mesoshealth.bench.ProcessorEfficiencyBench(agents, rounds).run().markdown());
      return 0;
    }
  }

  @Command(
      name = "collector",
      mixinStandardHelpOptions = true,
      description =
          "The collector's polls/s flat out against the bare JDK HTTP client's GETs/s on the same"
              + " simulated agents (its efficiency).")
  static final class Collector implements Callable<Integer> {
    @Option(
        names = "--agents",
        defaultValue = "4000",
        description =
            "Agents (default ${DEFAULT-VALUE}; the bare client keeps a connection to each, so"
                + " mind the open-files limit).")
    int agents;

    @Option(
        names = "--duration",
        defaultValue = "30s",
        converter = DurationConverter.class,
        description = "How long each side is measured (default ${DEFAULT-VALUE}).")
    Duration duration;

    @Override
    public Integer call() throws Exception {
      System.out.println(
          new dev.mesoshealth.bench.CollectorEfficiencyBench(agents, duration).run().markdown());
      return 0;
    }
  }

  @Command(
      name = "state",
      mixinStandardHelpOptions = true,
      description = {
        "The processor's state at scale, two instances: interactive-query latency (about half",
        "forwarded), takeover with and without a standby replica, and a fresh instance's restore."
      })
  static final class State implements Callable<Integer> {
    @Option(
        names = "--agents",
        defaultValue = "10000",
        description = "Agents (default ${DEFAULT-VALUE}).")
    int agents;

    @Option(
        names = "--rounds",
        defaultValue = "3",
        description = "Snapshots per agent behind the state (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(
        names = "--queries",
        defaultValue = "20000",
        description = "Queries to time (default ${DEFAULT-VALUE}).")
    int queries;

    @Override
    public Integer call() throws Exception {
      System.out.println(new ProcessorStateBench(agents, rounds, queries).run().markdown());
      return 0;
    }
  }

  @Command(
      name = "serde",
      mixinStandardHelpOptions = true,
      description =
          "JMH: encode and decode of a full agent MetricSnapshot, our Avro next to Jackson JSON.")
  static final class Serde implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
      System.out.println(SerdeBench.table(SerdeBench.measure(false)));
      return 0;
    }
  }
}
