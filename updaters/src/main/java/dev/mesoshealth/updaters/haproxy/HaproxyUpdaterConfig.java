package dev.mesoshealth.updaters.haproxy;

import dev.mesoshealth.service.ConfigException;
import dev.mesoshealth.service.Durations;
import dev.mesoshealth.service.KafkaClient;
import dev.mesoshealth.service.ServiceConfig;
import dev.mesoshealth.service.SharedConfig;
import dev.mesoshealth.updaters.UpdaterSettings;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/** The HAProxy updater's configuration. */
public record HaproxyUpdaterConfig(
    KafkaClient kafka,
    List<String> sockets,
    Duration timeout,
    double maxOutShare,
    UpdaterSettings updater) {

  public static final ConfigDef DEFINITION = definition();

  private static ConfigDef definition() {
    ConfigDef d = new ConfigDef();
    SharedConfig.defineKafka(d, "the consumer");
    d.define(
            "haproxy.sockets",
            Type.LIST,
            ConfigDef.NO_DEFAULT_VALUE,
            Importance.HIGH,
            "Admin sockets of every HAProxy to keep in step, each a path"
                + " (/run/haproxy/admin.sock) or ipv4@host:port; the socket needs 'level admin'.")
        .define(
            "haproxy.timeout",
            Type.STRING,
            "2s",
            Durations.validator(Duration.ofMillis(100)),
            Importance.MEDIUM,
            "Deadline for one Runtime API command.")
        .define(
            "max.out.share",
            Type.DOUBLE,
            0.5,
            Range.between(0.0, 1.0),
            Importance.HIGH,
            "Never take more than this share of a backend's servers out of rotation; further"
                + " drains are held and logged.");
    return UpdaterSettings.define(
        d,
        "30s",
        "Full reconcile against every HAProxy this often, repairing drift (a server set by"
            + " hand, a restarted HAProxy), besides reacting to each change.",
        "Log the plan instead of applying it.",
        "endpoints",
        9102);
  }

  /**
   * The configuration from flags alone (key to value) over the defaults, as tests and tools set it.
   */
  public static HaproxyUpdaterConfig fromFlags(java.util.Map<String, String> flags) {
    return SharedConfig.fromFlags(DEFINITION, flags, HaproxyUpdaterConfig::from);
  }

  public static HaproxyUpdaterConfig from(ServiceConfig c) {
    List<String> sockets = c.getList("haproxy.sockets");
    if (sockets.isEmpty()) {
      throw new ConfigException("haproxy.sockets needs at least one admin socket");
    }
    for (String s : sockets) {
      try {
        RuntimeApi.parse(s);
      } catch (IllegalArgumentException e) {
        throw new ConfigException("haproxy.sockets: " + e.getMessage());
      }
    }
    return new HaproxyUpdaterConfig(
        SharedConfig.kafka(c),
        sockets,
        c.getDuration("haproxy.timeout"),
        c.getDouble("max.out.share"),
        UpdaterSettings.from(c));
  }

  /** Secrets hidden: the configuration may be logged or shown in an error. */
  @Override
  public String toString() {
    // the admin sockets grant full control of HAProxy: never in a log line
    return dev.mesoshealth.service.Redacted.toString(this, java.util.Set.of("sockets"));
  }
}
