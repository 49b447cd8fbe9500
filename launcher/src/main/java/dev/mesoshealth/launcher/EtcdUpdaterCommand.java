package dev.mesoshealth.launcher;

import dev.mesoshealth.service.SharedConfig;
import dev.mesoshealth.updaters.etcd.EtcdUpdaterConfig;
import dev.mesoshealth.updaters.etcd.EtcdUpdaterMain;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mesos-health etcd-updater}: health and service records in etcd, under a lease. */
@Command(
    name = "etcd-updater",
    mixinStandardHelpOptions = true,
    description = {
      "Keeps health and service records in etcd under one lease.",
      "<prefix>/health/agents/<id> and <prefix>/health/clusters/<name> (JSON), and",
      "<prefix>/services/<app>/<task> = ip:port for UP endpoints. If the updater dies, its",
      "records expire after the lease TTL instead of lying."
    })
final class EtcdUpdaterCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", description = "Kafka brokers.")
  String bootstrapServers;

  @Option(
      names = "--endpoints",
      paramLabel = "URL",
      split = ",",
      description = "etcd client URLs, e.g. http://127.0.0.1:2379.")
  List<String> endpoints;

  @Option(names = "--prefix", description = "Key prefix (default /mesos-health).")
  String prefix;

  @Override
  public Integer call() throws Exception {
    Map<String, String> flags = new LinkedHashMap<>();
    flags.put(SharedConfig.KAFKA_BOOTSTRAP_SERVERS, bootstrapServers);
    flags.put("etcd.endpoints", endpoints == null ? null : String.join(",", endpoints));
    flags.put("etcd.prefix", prefix);
    EtcdUpdaterMain running =
        EtcdUpdaterMain.start(
            EtcdUpdaterConfig.from(
                config.load(EtcdUpdaterConfig.DEFINITION, SharedConfig.PASS_THROUGH, flags)));
    return Services.runUntilStopped(running, "etcd-updater");
  }
}
