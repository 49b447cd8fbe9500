package dev.mesoshealth.updaters.etcd;

import dev.mesoshealth.service.ConfigException;
import dev.mesoshealth.service.Durations;
import dev.mesoshealth.service.KafkaClient;
import dev.mesoshealth.service.ServiceConfig;
import dev.mesoshealth.service.SharedConfig;
import dev.mesoshealth.updaters.UpdaterSettings;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;

/** The etcd updater's configuration. */
public record EtcdUpdaterConfig(
    KafkaClient kafka,
    List<URI> endpoints,
    String prefix,
    Duration leaseTtl,
    Duration timeout,
    String username,
    String password,
    Path caFile,
    Path certFile,
    Path keyFile,
    UpdaterSettings updater) {

  public static final ConfigDef DEFINITION = definition();

  private static ConfigDef definition() {
    ConfigDef d = new ConfigDef();
    SharedConfig.defineKafka(d, "the consumer");
    d.define(
            "etcd.endpoints",
            Type.LIST,
            ConfigDef.NO_DEFAULT_VALUE,
            Importance.HIGH,
            "etcd client URLs, e.g. https://etcd1:2379,https://etcd2:2379.")
        .define(
            "etcd.prefix",
            Type.STRING,
            "/mesos-health",
            Importance.HIGH,
            "Every key this updater writes lives under this prefix, and it owns everything"
                + " there: keys the topics do not justify are deleted.")
        .define(
            "etcd.lease.ttl",
            Type.STRING,
            "30s",
            Durations.validator(Duration.ofSeconds(5)),
            Importance.HIGH,
            "TTL of the lease every key is written under: if the updater dies its records"
                + " vanish this long after, instead of lying.")
        .define(
            "etcd.timeout",
            Type.STRING,
            "5s",
            Durations.validator(Duration.ofMillis(100)),
            Importance.MEDIUM,
            "Deadline for one etcd request.")
        .define(
            "etcd.username",
            Type.STRING,
            "",
            Importance.MEDIUM,
            "etcd user (etcd authentication); empty: none.")
        .define(
            "etcd.password",
            Type.PASSWORD,
            "",
            Importance.MEDIUM,
            "Password of etcd.username. Never logged.")
        .define(
            "etcd.tls.ca.file",
            Type.STRING,
            "",
            Importance.MEDIUM,
            "PEM bundle of CAs to trust for https endpoints; empty: the JVM's.")
        .define(
            "etcd.tls.cert.file",
            Type.STRING,
            "",
            Importance.MEDIUM,
            "Client certificate (PEM) for etcd's client-cert authentication.")
        .define(
            "etcd.tls.key.file",
            Type.STRING,
            "",
            Importance.MEDIUM,
            "Private key (PKCS#8 PEM) of etcd.tls.cert.file.");
    return UpdaterSettings.define(
        d,
        "60s",
        "Compare everything under the prefix with the topics this often, repairing drift.",
        "Read etcd and log the writes and deletes instead of making them (takes no lease).",
        "records",
        9103);
  }

  /**
   * The configuration from flags alone (key to value) over the defaults, as tests and tools set it.
   */
  public static EtcdUpdaterConfig fromFlags(java.util.Map<String, String> flags) {
    return SharedConfig.fromFlags(DEFINITION, flags, EtcdUpdaterConfig::from);
  }

  public static EtcdUpdaterConfig from(ServiceConfig c) {
    List<URI> endpoints =
        c.getList("etcd.endpoints").stream()
            .map(
                e -> {
                  URI u = URI.create(e.trim());
                  if (u.getHost() == null || u.getPort() < 0) {
                    throw new ConfigException(
                        "etcd.endpoints: '" + e + "' is not a URL like http://127.0.0.1:2379");
                  }
                  return u;
                })
            .toList();
    if (endpoints.isEmpty()) {
      throw new ConfigException("etcd.endpoints needs at least one etcd client URL");
    }
    String prefix = c.getString("etcd.prefix");
    if (!prefix.startsWith("/") || prefix.equals("/")) {
      throw new ConfigException(
          "etcd.prefix must be a path under the root such as /mesos-health, got '" + prefix + "'");
    }
    Duration ttl = c.getDuration("etcd.lease.ttl");
    String cert = c.getString("etcd.tls.cert.file");
    String key = c.getString("etcd.tls.key.file");
    if (cert.isEmpty() != key.isEmpty()) {
      throw new ConfigException("etcd.tls.cert.file and etcd.tls.key.file go together");
    }
    return new EtcdUpdaterConfig(
        SharedConfig.kafka(c),
        endpoints,
        prefix,
        ttl,
        c.getDuration("etcd.timeout"),
        c.getString("etcd.username"),
        c.getPassword("etcd.password"),
        file(c, "etcd.tls.ca.file"),
        file(c, "etcd.tls.cert.file"),
        file(c, "etcd.tls.key.file"),
        UpdaterSettings.from(c));
  }

  private static Path file(ServiceConfig c, String key) {
    String v = c.getString(key);
    if (v.isEmpty()) {
      return null;
    }
    Path p = Path.of(v);
    if (!Files.isReadable(p)) {
      throw new ConfigException(key + ": cannot read " + p + " (" + c.sourceOf(key) + ")");
    }
    return p;
  }

  /** Secrets hidden: the configuration may be logged or shown in an error. */
  @Override
  public String toString() {
    return dev.mesoshealth.service.Redacted.toString(this, java.util.Set.of("password"));
  }
}
