package dev.mesoshealth.service;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * The keys and definition blocks the services share, written once: Kafka, the admin port, the
 * cluster a service acts for, reconcile and dry-run settings. A service's own {@code *Config}
 * defines these through the blocks here and reads them into the typed records ({@link KafkaClient},
 * {@link AdminAddress}).
 */
public final class SharedConfig {
  public static final String KAFKA_PREFIX = "kafka.";
  public static final String KAFKA_BOOTSTRAP_SERVERS = "kafka.bootstrap.servers";
  public static final String ADMIN_HOST = "admin.host";
  public static final String ADMIN_PORT = "admin.port";
  public static final String CLUSTER_NAME = "cluster.name";
  public static final String POLL_INTERVAL = "poll.interval";
  public static final String RECONCILE_INTERVAL = "reconcile.interval";
  public static final String DRY_RUN = "dry.run";
  public static final String TOPICS_CREATE = "topics.create";
  public static final String TOPICS_PARTITIONS = "topics.partitions";
  public static final String TOPICS_REPLICATION_FACTOR = "topics.replication.factor";

  /** Keys passed through undeclared: every {@code kafka.*} setting goes to the Kafka clients. */
  public static final List<String> PASS_THROUGH = List.of(KAFKA_PREFIX);

  private SharedConfig() {}

  /**
   * {@code kafka.bootstrap.servers}, required.
   *
   * @param clients who gets the other {@code kafka.*} keys, e.g. "the consumer"
   */
  public static ConfigDef defineKafka(ConfigDef def, String clients) {
    return def.define(
        KAFKA_BOOTSTRAP_SERVERS,
        Type.STRING,
        ConfigDef.NO_DEFAULT_VALUE,
        new ConfigDef.NonEmptyString(),
        Importance.HIGH,
        "Kafka brokers. Other kafka.* keys go to " + clients + " as they are (TLS, SASL).");
  }

  /** {@code admin.host} and {@code admin.port}: the metrics and health port. */
  public static ConfigDef defineAdmin(ConfigDef def, int defaultPort) {
    return def.define(
            ADMIN_HOST,
            Type.STRING,
            "127.0.0.1",
            Importance.LOW,
            "Address of the metrics and health port.")
        .define(
            ADMIN_PORT,
            Type.INT,
            defaultPort,
            Range.between(0, 65535),
            Importance.LOW,
            "Port for /metrics and /health; 0 picks a free port.");
  }

  /**
   * {@code cluster.name} as a filter.
   *
   * @param what what the service acts on, e.g. "records"
   */
  public static ConfigDef defineClusterFilter(ConfigDef def, String what) {
    return def.define(
        CLUSTER_NAME,
        Type.STRING,
        "",
        Importance.MEDIUM,
        "Only " + what + " of this cluster; empty: every cluster.");
  }

  /** {@code dry.run}. */
  public static ConfigDef defineDryRun(ConfigDef def, String doc) {
    return def.define(DRY_RUN, Type.BOOLEAN, false, Importance.HIGH, doc);
  }

  /**
   * {@code topics.create}, {@code topics.partitions} and {@code topics.replication.factor}.
   *
   * @param which which topics, e.g. "the collector's topics"
   */
  public static ConfigDef defineTopicCreation(ConfigDef def, String which) {
    return def.define(
            TOPICS_CREATE,
            Type.BOOLEAN,
            true,
            Importance.LOW,
            "Create " + which + " at start if they are missing.")
        .define(
            TOPICS_PARTITIONS,
            Type.INT,
            12,
            Range.atLeast(1),
            Importance.LOW,
            "Partitions of topics created at start.")
        .define(
            TOPICS_REPLICATION_FACTOR,
            Type.SHORT,
            (short) -1,
            Importance.LOW,
            "Replication factor of created topics; -1: the broker's default.");
  }

  public static TopicCreation topicCreation(ServiceConfig c) {
    return new TopicCreation(
        c.getBoolean(TOPICS_CREATE),
        c.getInt(TOPICS_PARTITIONS),
        c.getShort(TOPICS_REPLICATION_FACTOR));
  }

  public static KafkaClient kafka(ServiceConfig c) {
    return new KafkaClient(c.getString(KAFKA_BOOTSTRAP_SERVERS), c.withPrefix(KAFKA_PREFIX));
  }

  public static AdminAddress admin(ServiceConfig c) {
    return new AdminAddress(c.getString(ADMIN_HOST), c.getInt(ADMIN_PORT));
  }

  /** The word a mode is configured with: {@code DCOS_LOGIN} is {@code dcos-login}. */
  public static String word(Enum<?> mode) {
    return mode.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Every mode's word, for a {@code ValidString} validator. */
  public static <E extends Enum<E>> String[] words(Class<E> modes) {
    return Arrays.stream(modes.getEnumConstants()).map(SharedConfig::word).toArray(String[]::new);
  }

  /** A mode setting as its enum (the definition's validator has checked the word). */
  public static <E extends Enum<E>> E mode(ServiceConfig c, String key, Class<E> modes) {
    return Enum.valueOf(modes, c.getString(key).toUpperCase(Locale.ROOT).replace('-', '_'));
  }

  /**
   * A service's configuration from flags alone (key to value) over the defaults, as tests set it.
   */
  public static <T> T fromFlags(
      ConfigDef definition, Map<String, String> flags, Function<ServiceConfig, T> read) {
    return read.apply(
        ServiceConfig.parse(definition, new ServiceConfig.Sources().flags(flags), PASS_THROUGH));
  }
}
