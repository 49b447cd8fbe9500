package dev.mesoshealth.collector;

import dev.mesoshealth.collector.core.Shard;
import dev.mesoshealth.service.ConfigException;
import dev.mesoshealth.service.Durations;
import dev.mesoshealth.service.ServiceConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;

/** The collector's configuration: what to poll, how, and where to publish. */
public record CollectorConfig(
    String cluster,
    String collectorId,
    List<URI> masters,
    String zk,
    String discovery,
    String scheme,
    boolean operatorApi,
    List<URI> marathon,
    Duration pollInterval,
    Duration inventoryInterval,
    Duration unlistedRetention,
    Duration httpTimeout,
    int maxConcurrency,
    long maxResponseBytes,
    long maxInventoryBytes,
    int maxIdleConnections,
    Shard shard,
    String authMode,
    String authUser,
    String authSecret,
    String dcosUid,
    Path dcosPrivateKey,
    URI dcosLoginUrl,
    Path caBundle,
    String adminHost,
    int adminPort,
    String bootstrapServers,
    Map<String, String> kafka,
    long bufferBytes,
    boolean createTopics,
    int topicPartitions,
    short replicationFactor) {

  public static final List<String> PASS_THROUGH = List.of("kafka.");

  public static final ConfigDef DEFINITION =
      new ConfigDef()
          .define(
              "cluster.name",
              Type.STRING,
              "mesos",
              new ConfigDef.NonEmptyString(),
              Importance.HIGH,
              "Name of the cluster, carried in every event.")
          .define(
              "collector.id",
              Type.STRING,
              "",
              Importance.LOW,
              "This collector's id in events; empty: host name and process id.")
          .define(
              "mesos.masters",
              Type.LIST,
              "",
              Importance.HIGH,
              "Master URLs, e.g. http://m1:5050,http://m2:5050 (static discovery), or one load-balanced URL (redirect discovery).")
          .define(
              "mesos.zk",
              Type.STRING,
              "",
              Importance.HIGH,
              "ZooKeeper URL where masters register, e.g. zk://zk1:2181,zk2:2181/mesos.")
          .define(
              "mesos.discovery",
              Type.STRING,
              "auto",
              ValidString.in("auto", "static", "redirect", "zk"),
              Importance.MEDIUM,
              "How to find masters: static (mesos.masters), redirect (ask mesos.masters for /master/redirect), zk (mesos.zk); auto picks zk when mesos.zk is set, else static.")
          .define(
              "mesos.scheme",
              Type.STRING,
              "http",
              ValidString.in("http", "https"),
              Importance.MEDIUM,
              "Scheme for masters found in ZooKeeper and for agents.")
          .define(
              "mesos.operator.api",
              Type.BOOLEAN,
              true,
              Importance.MEDIUM,
              "Follow the leader's Operator API event stream (POST /api/v1 SUBSCRIBE, Mesos 1.1+) so an agent added or removed is published at once; /master/slaves stays the reconcile. Masters without it are polled only.")
          .define(
              "marathon.urls",
              Type.LIST,
              "",
              Importance.MEDIUM,
              "Marathon URLs, tried in order (HA); empty: no Marathon.")
          .define(
              "poll.interval",
              Type.STRING,
              "10s",
              Durations.validator(Duration.ofMillis(500)),
              Importance.HIGH,
              "How often every master and agent is polled.")
          .define(
              "inventory.interval",
              Type.STRING,
              "30s",
              Durations.validator(Duration.ofSeconds(1)),
              Importance.MEDIUM,
              "How often /master/slaves and Marathon are read.")
          .define(
              "inventory.unlisted.retention",
              Type.STRING,
              "1h",
              Durations.validator(Duration.ZERO),
              Importance.LOW,
              "How long an agent the master stopped listing (unreachable: Mesos 1.1+ drops it from"
                  + " /master/slaves until it re-registers) is still published, flagged, and"
                  + " polled, before its tombstone; 0: a tombstone at once.")
          .define(
              "http.timeout",
              Type.STRING,
              "5s",
              Durations.validator(Duration.ofMillis(100)),
              Importance.MEDIUM,
              "Deadline for one request, body included.")
          .define(
              "http.max.concurrency",
              Type.INT,
              64,
              Range.between(1, 10_000),
              Importance.MEDIUM,
              "Requests in flight at most.")
          .define(
              "http.max.response.bytes",
              Type.LONG,
              4L * 1024 * 1024,
              Range.atLeast(1024),
              Importance.LOW,
              "Largest /metrics/snapshot body read; larger is INVALID.")
          .define(
              "http.max.inventory.bytes",
              Type.LONG,
              256L * 1024 * 1024,
              Range.atLeast(1024),
              Importance.LOW,
              "Largest /master/slaves or Marathon body read.")
          .define(
              "http.max.idle.connections",
              Type.INT,
              1024,
              Range.atLeast(0),
              Importance.LOW,
              "Keep-alive connections kept open at most (bounds open files on big clusters); 0: unbounded.")
          .define(
              "shard",
              Type.STRING,
              "0/1",
              Importance.MEDIUM,
              "Shard i/n: poll only the agents whose id hashes to i; shard 0 also polls masters, inventory and Marathon.")
          .define(
              "auth.mode",
              Type.STRING,
              "none",
              ValidString.in("none", "basic", "bearer", "dcos-token", "dcos-login"),
              Importance.MEDIUM,
              "Authentication to Mesos and Marathon.")
          .define("auth.username", Type.STRING, "", Importance.LOW, "User for basic auth.")
          .define(
              "auth.secret",
              Type.PASSWORD,
              null,
              Importance.LOW,
              "Password (basic) or token (bearer, dcos-token). Never logged.")
          .define(
              "auth.dcos.uid",
              Type.STRING,
              "",
              Importance.LOW,
              "DC/OS service account id (dcos-login).")
          .define(
              "auth.dcos.private.key.file",
              Type.STRING,
              "",
              Importance.LOW,
              "PKCS#8 PEM private key of the service account (dcos-login).")
          .define(
              "auth.dcos.login.url",
              Type.STRING,
              "",
              Importance.LOW,
              "DC/OS login endpoint, e.g. https://leader.mesos/acs/api/v1/auth/login (dcos-login).")
          .define(
              "tls.ca.file",
              Type.STRING,
              "",
              Importance.LOW,
              "PEM bundle of CAs to trust for https masters, agents and Marathon.")
          .define(
              "admin.host",
              Type.STRING,
              "127.0.0.1",
              Importance.LOW,
              "Address of the metrics and health port.")
          .define(
              "admin.port",
              Type.INT,
              9100,
              Range.between(0, 65535),
              Importance.LOW,
              "Port for /metrics and /health; 0 picks a free port.")
          .define(
              "kafka.bootstrap.servers",
              Type.STRING,
              "",
              Importance.HIGH,
              "Kafka brokers; required unless printing. Other kafka.* keys go to the producer as they are (TLS, SASL).")
          .define(
              "buffer.max.bytes",
              Type.LONG,
              64L * 1024 * 1024,
              Range.atLeast(1024 * 1024),
              Importance.MEDIUM,
              "Memory for events waiting out a Kafka outage; beyond it new events are dropped and counted.")
          .define(
              "topics.create",
              Type.BOOLEAN,
              true,
              Importance.LOW,
              "Create the collector's topics if they are missing.")
          .define(
              "topics.partitions",
              Type.INT,
              12,
              Range.atLeast(1),
              Importance.LOW,
              "Partitions of topics the collector creates.")
          .define(
              "topics.replication.factor",
              Type.SHORT,
              (short) -1,
              Importance.LOW,
              "Replication factor of created topics; -1: the broker's default.");

  /** Reads the configuration from validated settings. */
  /**
   * The configuration from flags alone (key to value) over the defaults, as tests and tools set it.
   */
  public static CollectorConfig fromFlags(java.util.Map<String, String> flags) {
    return from(
        ServiceConfig.parse(DEFINITION, new ServiceConfig.Sources().flags(flags), PASS_THROUGH));
  }

  public static CollectorConfig from(ServiceConfig c) {
    String discovery = c.getString("mesos.discovery");
    String zk = c.getString("mesos.zk");
    List<URI> masters = uris(c.getList("mesos.masters"), "mesos.masters");
    if (discovery.equals("auto")) {
      discovery = zk.isBlank() ? "static" : "zk";
    }
    if (discovery.equals("zk") && zk.isBlank()) {
      throw new ConfigException("mesos.discovery=zk needs mesos.zk (e.g. zk://zk1:2181/mesos)");
    }
    if (!discovery.equals("zk") && masters.isEmpty()) {
      throw new ConfigException(
          "no masters to poll: set mesos.masters (e.g. http://m1:5050) or mesos.zk");
    }
    Shard shard;
    try {
      shard = Shard.parse(c.getString("shard"));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage() + " (" + c.sourceOf("shard") + ")");
    }
    String mode = c.getString("auth.mode");
    String secret = c.getPassword("auth.secret");
    if ((mode.equals("basic") || mode.equals("bearer") || mode.equals("dcos-token"))
        && (secret == null || secret.isEmpty())) {
      throw new ConfigException("auth.mode=" + mode + " needs auth.secret");
    }
    if (mode.equals("basic") && c.getString("auth.username").isBlank()) {
      throw new ConfigException("auth.mode=basic needs auth.username");
    }
    if (mode.equals("dcos-login")
        && (c.getString("auth.dcos.uid").isBlank()
            || c.getString("auth.dcos.private.key.file").isBlank()
            || c.getString("auth.dcos.login.url").isBlank())) {
      throw new ConfigException(
          "auth.mode=dcos-login needs auth.dcos.uid, auth.dcos.private.key.file and auth.dcos.login.url");
    }
    String id = c.getString("collector.id");
    if (id.isBlank()) {
      id = hostName() + "-" + ProcessHandle.current().pid();
    }
    return new CollectorConfig(
        c.getString("cluster.name"),
        id,
        masters,
        zk,
        discovery,
        c.getString("mesos.scheme"),
        c.getBoolean("mesos.operator.api"),
        uris(c.getList("marathon.urls"), "marathon.urls"),
        c.getDuration("poll.interval"),
        c.getDuration("inventory.interval"),
        c.getDuration("inventory.unlisted.retention"),
        c.getDuration("http.timeout"),
        c.getInt("http.max.concurrency"),
        c.getLong("http.max.response.bytes"),
        c.getLong("http.max.inventory.bytes"),
        c.getInt("http.max.idle.connections"),
        shard,
        mode,
        c.getString("auth.username"),
        secret,
        c.getString("auth.dcos.uid"),
        pathOrNull(c.getString("auth.dcos.private.key.file")),
        c.getString("auth.dcos.login.url").isBlank()
            ? null
            : URI.create(c.getString("auth.dcos.login.url")),
        pathOrNull(c.getString("tls.ca.file")),
        c.getString("admin.host"),
        c.getInt("admin.port"),
        c.getString("kafka.bootstrap.servers"),
        c.withPrefix("kafka."),
        c.getLong("buffer.max.bytes"),
        c.getBoolean("topics.create"),
        c.getInt("topics.partitions"),
        c.getShort("topics.replication.factor"));
  }

  private static Path pathOrNull(String s) {
    return s == null || s.isBlank() ? null : Path.of(s);
  }

  private static List<URI> uris(List<String> values, String key) {
    List<URI> out = new ArrayList<>();
    for (String v : values) {
      String text = v.contains("://") ? v : "http://" + v;
      URI u;
      try {
        u = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(key + ": '" + v + "' is not a URL");
      }
      if (u.getHost() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https"))) {
        throw new ConfigException(key + ": '" + v + "' is not an http(s)://host:port URL");
      }
      out.add(u);
    }
    return out;
  }

  private static String hostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      return "collector";
    }
  }

  /** Secrets hidden: the configuration may be logged or shown in an error. */
  @Override
  public String toString() {
    return dev.mesoshealth.service.Redacted.toString(this, java.util.Set.of("authSecret"));
  }
}
