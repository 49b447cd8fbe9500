package dev.mesoshealth.updaters.haproxy;

import dev.mesoshealth.service.ConfigException;
import dev.mesoshealth.service.Durations;
import dev.mesoshealth.service.ServiceConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/** The HAProxy updater's configuration. */
public record HaproxyUpdaterConfig(
    Map<String, Object> kafka,
    List<String> sockets,
    Duration timeout,
    double maxOutShare,
    Duration reconcileInterval,
    boolean dryRun,
    String cluster,
    String adminHost,
    int adminPort) {

  public static final List<String> PASS_THROUGH = List.of("kafka.");

  public static final ConfigDef DEFINITION =
      new ConfigDef()
          .define(
              "kafka.bootstrap.servers",
              Type.STRING,
              ConfigDef.NO_DEFAULT_VALUE,
              new ConfigDef.NonEmptyString(),
              Importance.HIGH,
              "Kafka brokers. Other kafka.* keys go to the consumer as they are (TLS, SASL).")
          .define(
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
                  + " drains are held and logged.")
          .define(
              "reconcile.interval",
              Type.STRING,
              "30s",
              Durations.validator(Duration.ofSeconds(1)),
              Importance.MEDIUM,
              "Full reconcile against every HAProxy this often, repairing drift (a server set by"
                  + " hand, a restarted HAProxy), besides reacting to each change.")
          .define(
              "dry.run",
              Type.BOOLEAN,
              false,
              Importance.HIGH,
              "Log the plan instead of applying it.")
          .define(
              "cluster.name",
              Type.STRING,
              "",
              Importance.MEDIUM,
              "Only endpoints of this cluster; empty: every cluster.")
          .define(
              "admin.host",
              Type.STRING,
              "127.0.0.1",
              Importance.LOW,
              "Address of the metrics and health port.")
          .define(
              "admin.port",
              Type.INT,
              9102,
              Range.between(0, 65535),
              Importance.LOW,
              "Port for /metrics and /health; 0 picks a free port.");

  /**
   * The configuration from flags alone (key to value) over the defaults, as tests and tools set it.
   */
  public static HaproxyUpdaterConfig fromFlags(java.util.Map<String, String> flags) {
    return from(
        ServiceConfig.parse(DEFINITION, new ServiceConfig.Sources().flags(flags), PASS_THROUGH));
  }

  public static HaproxyUpdaterConfig from(ServiceConfig c) {
    Map<String, Object> kafka = new HashMap<>(c.withPrefix("kafka."));
    kafka.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, c.getString("kafka.bootstrap.servers"));
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
        kafka,
        sockets,
        c.getDuration("haproxy.timeout"),
        c.getDouble("max.out.share"),
        c.getDuration("reconcile.interval"),
        c.getBoolean("dry.run"),
        c.getString("cluster.name"),
        c.getString("admin.host"),
        c.getInt("admin.port"));
  }

  /** Secrets hidden: the configuration may be logged or shown in an error. */
  @Override
  public String toString() {
    // the admin sockets grant full control of HAProxy: never in a log line
    return dev.mesoshealth.service.Redacted.toString(this, java.util.Set.of("sockets"));
  }
}
