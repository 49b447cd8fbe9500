package dev.mesoshealth.bisink;

import dev.mesoshealth.service.ConfigException;
import dev.mesoshealth.service.KafkaClient;
import dev.mesoshealth.service.ServiceConfig;
import dev.mesoshealth.service.SharedConfig;
import java.nio.file.Path;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/** The BI sink's configuration: where Kafka and the database are, and how the worker runs. */
public record BiSinkConfig(
    KafkaClient kafka,
    String jdbcUrl,
    String jdbcUser,
    String jdbcPassword,
    Path pluginPath,
    Path offsetsFile,
    String restHost,
    int restPort,
    int tasksMax) {

  public static final ConfigDef DEFINITION = definition();

  private static ConfigDef definition() {
    ConfigDef d = new ConfigDef();
    SharedConfig.defineKafka(d, "the Connect worker and its consumers");
    d.define(
            "jdbc.url",
            Type.STRING,
            ConfigDef.NO_DEFAULT_VALUE,
            new ConfigDef.NonEmptyString(),
            Importance.HIGH,
            "Database the feed tables are written to, e.g."
                + " jdbc:postgresql://db:5432/mesos_health.")
        .define("jdbc.user", Type.STRING, "", Importance.HIGH, "Database user; empty: none.")
        .define(
            "jdbc.password",
            Type.PASSWORD,
            "",
            Importance.HIGH,
            "Password of jdbc.user. Never logged.")
        .define(
            "connect.plugin.path",
            Type.STRING,
            "",
            Importance.MEDIUM,
            "Directory holding Debezium's JDBC sink plugin; empty: connect-plugins next to"
                + " mesos-health.jar.")
        .define(
            "connect.offsets.file",
            Type.STRING,
            ".mesos-health/bi-sink/connect.offsets",
            Importance.LOW,
            "The standalone worker's offset file. The sinks' own positions are committed to"
                + " Kafka (consumer groups connect-mesos-health-bi-*), so a restart resumes.")
        .define(
            "connect.rest.host",
            Type.STRING,
            "127.0.0.1",
            Importance.LOW,
            "Address of the worker's REST API (connector status).")
        .define(
            "connect.rest.port",
            Type.INT,
            8083,
            Range.between(1, 65535),
            Importance.LOW,
            "Port of the worker's REST API.")
        .define(
            "connect.tasks.max",
            Type.INT,
            1,
            Range.between(1, 64),
            Importance.LOW,
            "Tasks per connector (at most the feed topics' partitions).");
    return d;
  }

  /**
   * The configuration from flags alone (key to value) over the defaults, as tests and tools set it.
   */
  public static BiSinkConfig fromFlags(java.util.Map<String, String> flags) {
    return SharedConfig.fromFlags(DEFINITION, flags, BiSinkConfig::from);
  }

  public static BiSinkConfig from(ServiceConfig c) {
    String url = c.getString("jdbc.url");
    if (!url.startsWith("jdbc:")) {
      throw new ConfigException(
          "jdbc.url: '" + url + "' is not a JDBC URL like jdbc:postgresql://db:5432/mesos_health");
    }
    String plugins = c.getString("connect.plugin.path");
    return new BiSinkConfig(
        SharedConfig.kafka(c),
        url,
        c.getString("jdbc.user"),
        c.getPassword("jdbc.password"),
        plugins.isEmpty() ? null : Path.of(plugins),
        Path.of(c.getString("connect.offsets.file")),
        c.getString("connect.rest.host"),
        c.getInt("connect.rest.port"),
        c.getInt("connect.tasks.max"));
  }

  /** The same settings with the plugin directory set (the launcher knows where it lies). */
  public BiSinkConfig withPluginPath(Path path) {
    return new BiSinkConfig(
        kafka, jdbcUrl, jdbcUser, jdbcPassword, path, offsetsFile, restHost, restPort, tasksMax);
  }

  /** Secrets hidden: the configuration may be logged or shown in an error. */
  @Override
  public String toString() {
    return dev.mesoshealth.service.Redacted.toString(this, java.util.Set.of("jdbcPassword"));
  }
}
