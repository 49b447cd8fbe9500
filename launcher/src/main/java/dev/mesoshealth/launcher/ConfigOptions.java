package dev.mesoshealth.launcher;

import dev.mesoshealth.service.ConfigException;
import dev.mesoshealth.service.ServiceConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import picocli.CommandLine.Option;

/**
 * The options every service command shares: a properties file and {@code --set key=value}
 * overrides. Flags of a command win over both; environment variables sit between file and flags.
 */
final class ConfigOptions {
  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description = "Properties file with the service's configuration.")
  Path file;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description = "Set any configuration key, e.g. --set http.timeout=3s (repeatable).")
  List<String> sets = List.of();

  /** Builds the validated configuration from file, environment, --set and the command's flags. */
  ServiceConfig load(ConfigDef definition, List<String> passThrough, Map<String, String> flags) {
    Map<String, String> overrides = new LinkedHashMap<>();
    for (String set : sets) {
      int eq = set.indexOf('=');
      if (eq <= 0) {
        throw new ConfigException("--set needs KEY=VALUE, got '" + set + "'");
      }
      overrides.put(set.substring(0, eq).trim(), set.substring(eq + 1).trim());
    }
    overrides.putAll(flags);
    ServiceConfig.Sources sources =
        new ServiceConfig.Sources().file(file).env(System.getenv()).flags(overrides);
    return ServiceConfig.parse(definition, sources, passThrough);
  }
}
