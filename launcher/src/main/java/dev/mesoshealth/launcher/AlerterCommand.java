package dev.mesoshealth.launcher;

import dev.mesoshealth.service.SharedConfig;
import dev.mesoshealth.updaters.alerts.AlerterConfig;
import dev.mesoshealth.updaters.alerts.AlerterMain;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mesos-health alerter}: bad health states as alerts in Prometheus Alertmanager. */
@Command(
    name = "alerter",
    mixinStandardHelpOptions = true,
    description = {
      "Tells Prometheus Alertmanager which nodes and clusters are in a bad state.",
      "One alert per node or cluster, labelled (cluster, node, hostname, role, state, rule,",
      "severity), resent while it fires and ended when it resolves; while a collector is",
      "suspect or too many agents are down at once, one cluster alert instead."
    })
final class AlerterCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", description = "Kafka brokers.")
  String bootstrapServers;

  @Option(
      names = "--alertmanager",
      paramLabel = "URL",
      split = ",",
      description = "Alertmanager URLs, e.g. http://127.0.0.1:9093 (all of an HA group).")
  List<String> alertmanagers;

  @Override
  public Integer call() throws Exception {
    Map<String, String> flags = new LinkedHashMap<>();
    flags.put(SharedConfig.KAFKA_BOOTSTRAP_SERVERS, bootstrapServers);
    flags.put("alertmanager.urls", alertmanagers == null ? null : String.join(",", alertmanagers));
    AlerterMain running =
        AlerterMain.start(
            AlerterConfig.from(
                config.load(AlerterConfig.DEFINITION, SharedConfig.PASS_THROUGH, flags)));
    return Services.runUntilStopped(running, "alerter");
  }
}
