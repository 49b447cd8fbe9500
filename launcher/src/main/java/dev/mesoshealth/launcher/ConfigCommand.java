package dev.mesoshealth.launcher;

import dev.mesoshealth.bisink.BiSinkConfig;
import dev.mesoshealth.collector.CollectorConfig;
import dev.mesoshealth.console.ConsoleConfig;
import dev.mesoshealth.processor.ProcessorConfig;
import dev.mesoshealth.service.ConfigDocs;
import dev.mesoshealth.service.SharedConfig;
import dev.mesoshealth.updaters.alerts.AlerterConfig;
import dev.mesoshealth.updaters.etcd.EtcdUpdaterConfig;
import dev.mesoshealth.updaters.haproxy.HaproxyUpdaterConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.common.config.ConfigDef;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code mesos-health config SERVICE}: every configuration key of a service, as a markdown table.
 * The tables in docs/configuration.md are this command's output (a test keeps them in step).
 */
@Command(
    name = "config",
    mixinStandardHelpOptions = true,
    description = {
      "Prints every configuration key of a service as a markdown table.",
      "File key, environment variable, type, default, valid values and meaning."
    })
final class ConfigCommand implements Callable<Integer> {

  /** A service's configuration: its definition and the prefixes handed through to Kafka. */
  record ServiceDefinition(ConfigDef definition, List<String> passThrough) {}

  /** Every service configured through a definition, by command name. */
  static final Map<String, ServiceDefinition> SERVICES = services();

  @Parameters(
      paramLabel = "SERVICE",
      description = "One of: ${COMPLETION-CANDIDATES}.",
      completionCandidates = Names.class)
  String service;

  @Override
  public Integer call() {
    ServiceDefinition s = SERVICES.get(service);
    if (s == null) {
      throw new IllegalArgumentException(
          "no service '" + service + "'; one of " + String.join(", ", SERVICES.keySet()));
    }
    System.out.print(ConfigDocs.markdownTable(s.definition()));
    return 0;
  }

  private static Map<String, ServiceDefinition> services() {
    Map<String, ServiceDefinition> s = new LinkedHashMap<>();
    s.put(
        "collector", new ServiceDefinition(CollectorConfig.DEFINITION, SharedConfig.PASS_THROUGH));
    s.put(
        "processor", new ServiceDefinition(ProcessorConfig.DEFINITION, SharedConfig.PASS_THROUGH));
    s.put("console", new ServiceDefinition(ConsoleConfig.DEFINITION, SharedConfig.PASS_THROUGH));
    s.put(
        "haproxy-updater",
        new ServiceDefinition(HaproxyUpdaterConfig.DEFINITION, SharedConfig.PASS_THROUGH));
    s.put(
        "etcd-updater",
        new ServiceDefinition(EtcdUpdaterConfig.DEFINITION, SharedConfig.PASS_THROUGH));
    s.put("alerter", new ServiceDefinition(AlerterConfig.DEFINITION, SharedConfig.PASS_THROUGH));
    s.put("bi-sink", new ServiceDefinition(BiSinkConfig.DEFINITION, SharedConfig.PASS_THROUGH));
    return s;
  }

  static final class Names implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return SERVICES.keySet().iterator();
    }
  }
}
