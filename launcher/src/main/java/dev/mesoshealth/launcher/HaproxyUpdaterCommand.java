package dev.mesoshealth.launcher;

import dev.mesoshealth.service.SharedConfig;
import dev.mesoshealth.updaters.haproxy.HaproxyUpdaterConfig;
import dev.mesoshealth.updaters.haproxy.HaproxyUpdaterMain;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mesos-health haproxy-updater}: drains servers on sick agents through the Runtime API. */
@Command(
    name = "haproxy-updater",
    mixinStandardHelpOptions = true,
    description = {
      "Keeps HAProxy's servers in step with endpoint health through the Runtime API.",
      "Follows mesos.endpoints.health and sets each server ready, drain or maint; fills",
      "server-template slots for new tasks. Never drains more than max.out.share of a backend,",
      "changes nothing while the collector is suspect, and never reloads HAProxy."
    })
final class HaproxyUpdaterCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", description = "Kafka brokers.")
  String bootstrapServers;

  @Option(
      names = "--socket",
      paramLabel = "SOCKET",
      description = "HAProxy admin socket: a path or ipv4@host:port (repeatable).")
  List<String> sockets;

  @Option(names = "--dry-run", description = "Log the plan instead of applying it.")
  Boolean dryRun;

  @Override
  public Integer call() throws Exception {
    Map<String, String> flags = new LinkedHashMap<>();
    flags.put(SharedConfig.KAFKA_BOOTSTRAP_SERVERS, bootstrapServers);
    flags.put("haproxy.sockets", sockets == null ? null : String.join(",", sockets));
    flags.put(SharedConfig.DRY_RUN, dryRun == null ? null : dryRun.toString());
    HaproxyUpdaterMain running =
        HaproxyUpdaterMain.start(
            HaproxyUpdaterConfig.from(
                config.load(HaproxyUpdaterConfig.DEFINITION, SharedConfig.PASS_THROUGH, flags)));
    return Services.runUntilStopped(running, "haproxy-updater");
  }
}
