package dev.mesoshealth.console;

import dev.mesoshealth.service.ConfigException;
import dev.mesoshealth.service.Durations;
import dev.mesoshealth.service.HttpAuth;
import dev.mesoshealth.service.KafkaClient;
import dev.mesoshealth.service.ServiceConfig;
import dev.mesoshealth.service.SharedConfig;
import java.net.URI;
import java.time.Duration;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;

/** The console's configuration: where the topics and the processor are, and its web port. */
public record ConsoleConfig(
    KafkaClient kafka,
    String httpHost,
    int httpPort,
    URI processorUrl,
    String processorToken,
    HttpAuth auth,
    int keepTransitions,
    Duration capacityHistory,
    int maxViewers,
    Duration batchInterval) {

  public static final ConfigDef DEFINITION = definition();

  private static ConfigDef definition() {
    ConfigDef d = new ConfigDef();
    SharedConfig.defineKafka(d, "the consumer");
    d.define(
            "http.host",
            Type.STRING,
            "127.0.0.1",
            Importance.HIGH,
            "Address the console listens on; 0.0.0.0 for every interface.")
        .define(
            "http.port",
            Type.INT,
            8080,
            Range.between(0, 65535),
            Importance.HIGH,
            "Port of the console (pages, live events, /metrics, /health); 0 picks a free port.")
        .define(
            "processor.url",
            Type.STRING,
            "http://127.0.0.1:8081",
            Importance.HIGH,
            "The processor's REST API, for node history in the detail view.")
        .define(
            "processor.token",
            Type.PASSWORD,
            "",
            Importance.MEDIUM,
            "Bearer token for the processor's REST API, if it has one.")
        .define(
            "auth.mode",
            Type.STRING,
            "none",
            ValidString.in(SharedConfig.words(HttpAuth.Mode.class)),
            Importance.MEDIUM,
            "Who may open the console: anyone, a user with a password (basic: the browser asks),"
                + " or holders of a bearer token (scripts).")
        .define(
            "auth.username", Type.STRING, "", Importance.MEDIUM, "User name for auth.mode=basic.")
        .define(
            "auth.secret",
            Type.PASSWORD,
            "",
            Importance.MEDIUM,
            "Password (basic) or token (bearer). Never logged.")
        .define(
            "transitions.keep",
            Type.INT,
            200,
            Range.between(10, 10_000),
            Importance.LOW,
            "Recent transitions shown in the feed.")
        .define(
            "capacity.history",
            Type.STRING,
            "6h",
            Durations.validator(Duration.ofMinutes(5)),
            Importance.LOW,
            "How much capacity history the charts show (read from the topic at start).")
        .define(
            "live.max.viewers",
            Type.INT,
            64,
            Range.between(1, 10_000),
            Importance.LOW,
            "Browsers that may follow the live view at once; more are told to retry.")
        .define(
            "live.batch.interval",
            Type.STRING,
            "500ms",
            Durations.validator(Duration.ofMillis(50)),
            Importance.LOW,
            "How often changes are sent to browsers, in one batch.");
    return d;
  }

  /**
   * The configuration from flags alone (key to value) over the defaults, as tests and tools set it.
   */
  public static ConsoleConfig fromFlags(java.util.Map<String, String> flags) {
    return SharedConfig.fromFlags(DEFINITION, flags, ConsoleConfig::from);
  }

  public static ConsoleConfig from(ServiceConfig c) {
    URI processor;
    try {
      processor = URI.create(c.getString("processor.url").replaceAll("/+$", ""));
      if (processor.getHost() == null
          || !(processor.getScheme().equals("http") || processor.getScheme().equals("https"))) {
        throw new IllegalArgumentException("not an http(s) URL");
      }
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          "processor.url: '"
              + c.getString("processor.url")
              + "' is not an http(s) URL ("
              + c.sourceOf("processor.url")
              + ")");
    }
    String secret = c.getPassword("auth.secret");
    HttpAuth auth =
        switch (SharedConfig.mode(c, "auth.mode", HttpAuth.Mode.class)) {
          case BASIC -> {
            if (c.getString("auth.username").isEmpty() || secret.isEmpty()) {
              throw new ConfigException("auth.mode=basic needs auth.username and auth.secret");
            }
            yield HttpAuth.basic(c.getString("auth.username"), secret);
          }
          case BEARER -> {
            if (secret.isEmpty()) {
              throw new ConfigException("auth.mode=bearer needs auth.secret (the token)");
            }
            yield HttpAuth.bearer(secret);
          }
          case NONE -> HttpAuth.NONE;
        };
    return new ConsoleConfig(
        SharedConfig.kafka(c),
        c.getString("http.host"),
        c.getInt("http.port"),
        processor,
        c.getPassword("processor.token"),
        auth,
        c.getInt("transitions.keep"),
        c.getDuration("capacity.history"),
        c.getInt("live.max.viewers"),
        c.getDuration("live.batch.interval"));
  }

  /** Secrets hidden: the configuration may be logged or shown in an error. */
  @Override
  public String toString() {
    return dev.mesoshealth.service.Redacted.toString(this, java.util.Set.of("processorToken"));
  }
}
