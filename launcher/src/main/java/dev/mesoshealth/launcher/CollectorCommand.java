package dev.mesoshealth.launcher;

import dev.mesoshealth.collector.CollectorConfig;
import dev.mesoshealth.collector.CollectorMain;
import dev.mesoshealth.service.SharedConfig;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mesos-health collector}: polls Mesos and Marathon and publishes to Kafka. */
@Command(
    name = "collector",
    mixinStandardHelpOptions = true,
    description = {
      "Polls Mesos masters, agents and Marathon; publishes Avro events to Kafka.",
      "Every master's and agent's /metrics/snapshot, the leader's /master/slaves and Marathon's",
      "tasks: one event per poll, failures included. With --once --print it polls everything",
      "once and prints the events as JSON lines instead."
    })
final class CollectorCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Option(
      names = "--master",
      paramLabel = "URL",
      description = "Master URL (repeatable), e.g. http://m1:5050.")
  List<String> masters;

  @Option(
      names = "--zk",
      paramLabel = "URL",
      description = "Find masters in ZooKeeper, e.g. zk://zk1:2181/mesos.")
  String zk;

  @Option(
      names = "--marathon",
      paramLabel = "URL",
      description = "Marathon URL (repeatable, tried in order).")
  List<String> marathon;

  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", description = "Kafka brokers.")
  String bootstrapServers;

  @Option(names = "--cluster", description = "Cluster name carried in every event.")
  String cluster;

  @Option(
      names = "--poll-interval",
      converter = DurationConverter.class,
      description = "How often masters and agents are polled (default 10s).")
  Duration pollInterval;

  @Option(
      names = "--shard",
      paramLabel = "I/N",
      description = "Poll only shard I of N of the agents.")
  String shard;

  @Option(
      names = "--once",
      description = "Poll everything once and exit (0 when a master answered).")
  boolean once;

  @Option(
      names = "--print",
      description =
          "With --once: print events as JSON lines instead of publishing; no Kafka needed.")
  boolean print;

  @Override
  public Integer call() throws Exception {
    Map<String, String> flags = new LinkedHashMap<>();
    if (masters != null) {
      flags.put("mesos.masters", String.join(",", masters));
    }
    flags.put("mesos.zk", zk);
    if (marathon != null) {
      flags.put("marathon.urls", String.join(",", marathon));
    }
    flags.put(SharedConfig.KAFKA_BOOTSTRAP_SERVERS, bootstrapServers);
    flags.put(SharedConfig.CLUSTER_NAME, cluster);
    flags.put(
        SharedConfig.POLL_INTERVAL, pollInterval == null ? null : pollInterval.toMillis() + "ms");
    flags.put("shard", shard);
    CollectorConfig cfg =
        CollectorConfig.from(
            config.load(CollectorConfig.DEFINITION, SharedConfig.PASS_THROUGH, flags));
    if (print && !once) {
      System.err.println("collector: --print works with --once");
      return 2;
    }
    if (once) {
      return print
          ? CollectorMain.once(cfg, System.out, System.err)
          : CollectorMain.onceToKafka(cfg, System.err);
    }
    CollectorMain running = CollectorMain.start(cfg);
    return Services.runUntilStopped(running, "collector");
  }
}
