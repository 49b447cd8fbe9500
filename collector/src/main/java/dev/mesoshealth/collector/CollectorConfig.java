package dev.mesoshealth.collector;

import dev.mesoshealth.collector.core.Shard;
import dev.mesoshealth.service.AdminAddress;
import dev.mesoshealth.service.ConfigException;
import dev.mesoshealth.service.Durations;
import dev.mesoshealth.service.KafkaClient;
import dev.mesoshealth.service.ServiceConfig;
import dev.mesoshealth.service.SharedConfig;
import dev.mesoshealth.service.TopicCreation;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;

/** The collector's configuration: what to poll, how, and where to publish. */
public record CollectorConfig(
    String cluster,
    String collectorId,
    Mesos mesos,
    Duration pollInterval,
    Confirm confirm,
    Duration inventoryInterval,
    Duration unlistedRetention,
    Http http,
    Sharing sharing,
    Auth auth,
    AdminAddress admin,
    KafkaClient kafka,
    long bufferBytes,
    TopicCreation topics) {

  /**
   * Which agents this collector polls when several share a cluster.
   *
   * @param byGroup the collectors share the agents through a Kafka consumer group ({@code
   *     shard=kafka}), which moves a dead collector's share to the others after {@code
   *     sessionTimeout}
   * @param fixed the shard {@code shard=i/n} names; all of it with {@code shard=kafka} (a one-off
   *     {@code --once} run polls everything)
   */
  public record Sharing(boolean byGroup, Shard fixed, Duration sessionTimeout) {}

  /** How masters are found. */
  public enum Discovery {
    /** poll every URL of mesos.masters */
    STATIC,
    /** ask mesos.masters for /master/redirect */
    REDIRECT,
    /** read the masters' registrations in ZooKeeper (mesos.zk) */
    ZK
  }

  /** The HTTP client the polls go through. */
  public enum HttpClientKind {
    /** the JDK's: one connection pool, linear in the connections it keeps */
    JDK,
    /** Jetty's: a pool per agent, the same cost per poll whatever the cluster's size */
    JETTY
  }

  /** How the collector proves itself to Mesos and Marathon. */
  public enum AuthMode {
    NONE,
    BASIC,
    BEARER,
    DCOS_TOKEN,
    DCOS_LOGIN
  }

  /**
   * Where Mesos and Marathon are.
   *
   * @param scheme for masters found in ZooKeeper and for agents
   * @param operatorApi follow the leader's Operator API event stream
   */
  public record Mesos(
      Discovery discovery,
      List<URI> masters,
      String zk,
      String scheme,
      boolean operatorApi,
      List<URI> marathon) {}

  /**
   * Confirming a failed agent poll before the agent's next slot.
   *
   * @param after after a failed poll, poll again this long after it started, then after the next
   *     delay, until a success or every delay is spent; empty: never
   * @param maxPerSecond confirmations started in one second at most (the rest wait for the slot)
   */
  public record Confirm(List<Duration> after, int maxPerSecond) {}

  /** The HTTP client's limits, and the CAs it trusts (null: the JVM's). */
  public record Http(
      HttpClientKind client,
      Duration timeout,
      Duration agentTimeout,
      int maxConcurrency,
      long maxResponseBytes,
      long maxInventoryBytes,
      int maxIdleConnections,
      Path caBundle) {
    /**
     * Keep-alive connections the client keeps open at most (-1 resolved: jetty half the open-files
     * limit, jdk 1,024); {@link Integer#MAX_VALUE} for unbounded.
     */
    public int idleConnections(long openFilesLimit) {
      if (maxIdleConnections == 0) {
        return Integer.MAX_VALUE;
      }
      if (maxIdleConnections > 0) {
        return maxIdleConnections;
      }
      return client == HttpClientKind.JETTY
          ? (int) Math.min(Integer.MAX_VALUE, Math.max(1, openFilesLimit / 2))
          : 1024;
    }
  }

  /** Credentials for Mesos and Marathon; the DC/OS fields for dcos-login only. */
  public record Auth(
      AuthMode mode,
      String user,
      String secret,
      String dcosUid,
      Path dcosPrivateKey,
      URI dcosLoginUrl) {
    /** Secrets hidden. */
    @Override
    public String toString() {
      return dev.mesoshealth.service.Redacted.toString(this, java.util.Set.of("secret"));
    }
  }

  public static final ConfigDef DEFINITION = definition();

  private static ConfigDef definition() {
    ConfigDef d = new ConfigDef();
    d.define(
            SharedConfig.CLUSTER_NAME,
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
            ValidString.in("auto", "static", "redirect", "zk"), // auto: resolved on reading
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
            SharedConfig.POLL_INTERVAL,
            Type.STRING,
            "10s",
            Durations.validator(Duration.ofMillis(500)),
            Importance.HIGH,
            "How often every master and agent is polled.")
        .define(
            "poll.confirm.after",
            Type.LIST,
            "2500ms",
            Importance.MEDIUM,
            "After an agent's poll fails (or is still unanswered), poll it again so that the"
                + " verdict comes this long after that poll started (a timed-out poll is repeated"
                + " one deadline earlier, a refused one at the delay), then after each further"
                + " delay listed, until it answers or the list is spent; each is one more snapshot"
                + " the processor counts towards health.enter.after. Longer than the blips to"
                + " ignore (an agent restarting its HTTP server); empty: wait for the next"
                + " interval.")
        .define(
            "poll.confirm.max.per.second",
            Type.INT,
            200,
            Range.atLeast(1),
            Importance.LOW,
            "At most this many confirmations start in one second; the rest are confirmed at"
                + " their next slot (bounds the extra load when many agents fail at once).")
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
            "http.client",
            Type.STRING,
            "jetty",
            ValidString.in(SharedConfig.words(HttpClientKind.class)),
            Importance.LOW,
            "The HTTP client that polls: jetty (a keep-alive connection per agent, up to"
                + " http.max.idle.connections, in a pool per agent), or jdk (the JDK's client,"
                + " whose one pool costs time linear in what it holds on every poll). Jetty halved"
                + " the collector's CPU at 8,000 agents (docs/benchmarks.md). Operator API streams"
                + " always use the JDK client.")
        .define(
            "http.timeout",
            Type.STRING,
            "5s",
            Durations.validator(Duration.ofMillis(100)),
            Importance.MEDIUM,
            "Deadline for one request, body included.")
        .define(
            "http.agent.timeout",
            Type.STRING,
            "1s",
            Durations.validator(Duration.ofMillis(100)),
            Importance.MEDIUM,
            "Deadline for one agent's /metrics/snapshot, which is asked to answer within half of it"
                + " (Mesos' ?timeout=) with whatever metrics it has by then: a hung agent is failed"
                + " this soon, a busy one still answers. Masters, /master/slaves and Marathon keep"
                + " http.timeout.")
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
            -1,
            Range.atLeast(-1),
            Importance.LOW,
            "Keep-alive connections kept open at most; 0: unbounded; -1: jetty half the"
                + " collector's open-files limit (ulimit -n), jdk 1,024. With jetty, once this many"
                + " are open a poll asks the agent to close its connection after answering, so"
                + " the open files stay bounded whatever the cluster's size. With jdk, the pool"
                + " costs time linear in what it holds on every poll: with many thousands of"
                + " agents 64 is cheaper, and at 30,000 it is what keeps it on schedule"
                + " (docs/benchmarks.md).")
        .define(
            "shard",
            Type.STRING,
            "0/1",
            Importance.MEDIUM,
            "Shard i/n: poll only the agents whose id hashes to i; shard 0 also polls masters, inventory and Marathon."
                + " 'kafka': the collectors of the cluster share its agents through a Kafka consumer group"
                + " and take over from one that dies.")
        .define(
            "shard.session.timeout",
            Type.STRING,
            "10s",
            Durations.validator(Duration.ofSeconds(1)),
            Importance.LOW,
            "With shard=kafka: a collector silent this long is out of the group and its agents move to"
                + " the others (the broker's group.min.session.timeout.ms, 6s by default, is the least it"
                + " takes).")
        .define(
            "auth.mode",
            Type.STRING,
            "none",
            ValidString.in(SharedConfig.words(AuthMode.class)),
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
            SharedConfig.KAFKA_BOOTSTRAP_SERVERS,
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
            "Memory for events waiting out a Kafka outage; beyond it new events are dropped and counted.");

    SharedConfig.defineAdmin(d, 9100);
    SharedConfig.defineTopicCreation(d, "the collector's topics");
    return d;
  }

  /**
   * The configuration from flags alone (key to value) over the defaults, as tests and tools set it.
   */
  public static CollectorConfig fromFlags(java.util.Map<String, String> flags) {
    return SharedConfig.fromFlags(DEFINITION, flags, CollectorConfig::from);
  }

  private static List<Duration> confirmDelays(ServiceConfig c) {
    List<Duration> out = new java.util.ArrayList<>();
    for (String d : c.getList("poll.confirm.after")) {
      Duration delay;
      try {
        delay = Durations.parse(d.trim());
      } catch (IllegalArgumentException e) {
        throw new ConfigException(
            "poll.confirm.after: '"
                + d
                + "' is not a duration like 2500ms or 3s ("
                + c.sourceOf("poll.confirm.after")
                + ")");
      }
      if (delay.isNegative() || delay.isZero()) {
        throw new ConfigException("poll.confirm.after: delays must be positive, got '" + d + "'");
      }
      out.add(delay);
    }
    return List.copyOf(out);
  }

  public static CollectorConfig from(ServiceConfig c) {
    String zk = c.getString("mesos.zk");
    List<URI> masters = uris(c.getList("mesos.masters"), "mesos.masters");
    String word = c.getString("mesos.discovery");
    Discovery discovery =
        word.equals("auto")
            ? (zk.isBlank() ? Discovery.STATIC : Discovery.ZK)
            : SharedConfig.mode(c, "mesos.discovery", Discovery.class);
    if (discovery == Discovery.ZK && zk.isBlank()) {
      throw new ConfigException("mesos.discovery=zk needs mesos.zk (e.g. zk://zk1:2181/mesos)");
    }
    if (discovery != Discovery.ZK && masters.isEmpty()) {
      throw new ConfigException(
          "no masters to poll: set mesos.masters (e.g. http://m1:5050) or mesos.zk");
    }
    Sharing sharing;
    Duration session = c.getDuration("shard.session.timeout");
    if (c.getString("shard").trim().equals("kafka")) {
      sharing = new Sharing(true, Shard.ALL, session);
    } else {
      try {
        sharing = new Sharing(false, Shard.parse(c.getString("shard")), session);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(e.getMessage() + ", or 'kafka' (" + c.sourceOf("shard") + ")");
      }
    }
    String id = c.getString("collector.id");
    if (id.isBlank()) {
      id = hostName() + "-" + ProcessHandle.current().pid();
    }
    return new CollectorConfig(
        c.getString(SharedConfig.CLUSTER_NAME),
        id,
        new Mesos(
            discovery,
            masters,
            zk,
            c.getString("mesos.scheme"),
            c.getBoolean("mesos.operator.api"),
            uris(c.getList("marathon.urls"), "marathon.urls")),
        c.getDuration(SharedConfig.POLL_INTERVAL),
        new Confirm(confirmDelays(c), c.getInt("poll.confirm.max.per.second")),
        c.getDuration("inventory.interval"),
        c.getDuration("inventory.unlisted.retention"),
        new Http(
            SharedConfig.mode(c, "http.client", HttpClientKind.class),
            c.getDuration("http.timeout"),
            c.getDuration("http.agent.timeout"),
            c.getInt("http.max.concurrency"),
            c.getLong("http.max.response.bytes"),
            c.getLong("http.max.inventory.bytes"),
            c.getInt("http.max.idle.connections"),
            pathOrNull(c.getString("tls.ca.file"))),
        sharing,
        auth(c),
        SharedConfig.admin(c),
        SharedConfig.kafka(c),
        c.getLong("buffer.max.bytes"),
        SharedConfig.topicCreation(c));
  }

  private static Auth auth(ServiceConfig c) {
    AuthMode mode = SharedConfig.mode(c, "auth.mode", AuthMode.class);
    String secret = c.getPassword("auth.secret");
    String problem =
        switch (mode) {
          case NONE -> null;
          case BASIC ->
              secret == null || secret.isEmpty()
                  ? "auth.mode=basic needs auth.secret"
                  : c.getString("auth.username").isBlank()
                      ? "auth.mode=basic needs auth.username"
                      : null;
          case BEARER, DCOS_TOKEN ->
              secret == null || secret.isEmpty()
                  ? "auth.mode=" + SharedConfig.word(mode) + " needs auth.secret"
                  : null;
          case DCOS_LOGIN ->
              c.getString("auth.dcos.uid").isBlank()
                      || c.getString("auth.dcos.private.key.file").isBlank()
                      || c.getString("auth.dcos.login.url").isBlank()
                  ? "auth.mode=dcos-login needs auth.dcos.uid, auth.dcos.private.key.file and"
                      + " auth.dcos.login.url"
                  : null;
        };
    if (problem != null) {
      throw new ConfigException(problem);
    }
    return new Auth(
        mode,
        c.getString("auth.username"),
        secret,
        c.getString("auth.dcos.uid"),
        pathOrNull(c.getString("auth.dcos.private.key.file")),
        c.getString("auth.dcos.login.url").isBlank()
            ? null
            : URI.create(c.getString("auth.dcos.login.url")));
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
    return dev.mesoshealth.service.Redacted.toString(this, java.util.Set.of());
  }
}
