package dev.mesoshealth.updaters.alerts;

import dev.mesoshealth.service.ConfigException;
import dev.mesoshealth.service.Durations;
import dev.mesoshealth.service.KafkaClient;
import dev.mesoshealth.service.ServiceConfig;
import dev.mesoshealth.service.SharedConfig;
import dev.mesoshealth.updaters.UpdaterSettings;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;

/**
 * The alerter's configuration.
 *
 * @param alertmanagerAuthorization the Authorization header sent to every Alertmanager; null: none
 * @param caFile the CAs trusted for https Alertmanagers and webhooks; null: the JVM's
 */
public record AlerterConfig(
    KafkaClient kafka,
    List<URI> alertmanagers,
    String alertmanagerAuthorization,
    Path caFile,
    URI webhook,
    WebhookTarget.Format webhookFormat,
    Duration webhookMinInterval,
    Duration timeout,
    AlertPolicy policy,
    UpdaterSettings updater) {

  public static final ConfigDef DEFINITION = definition();

  private static ConfigDef definition() {
    ConfigDef d = new ConfigDef();
    SharedConfig.defineKafka(d, "the consumer");
    d.define(
            "alertmanager.urls",
            Type.LIST,
            "",
            Importance.HIGH,
            "Every Alertmanager to tell, e.g. http://am1:9093,http://am2:9093 (an HA pair: all"
                + " are told). This, webhook.url, or both.")
        .define(
            "alertmanager.auth",
            Type.STRING,
            "none",
            ValidString.in(SharedConfig.words(Auth.class)),
            Importance.MEDIUM,
            "How to authenticate to Alertmanager (its --web.config.file): none, basic"
                + " (alertmanager.auth.secret is user:password) or bearer (a token, e.g. behind"
                + " an authenticating proxy).")
        .define(
            "alertmanager.auth.secret",
            Type.PASSWORD,
            "",
            Importance.MEDIUM,
            "user:password for basic, the token for bearer. Never logged.")
        .define(
            "tls.ca.file",
            Type.STRING,
            "",
            Importance.MEDIUM,
            "PEM bundle of CAs to trust for https Alertmanagers and webhooks; empty: the JVM's.")
        .define(
            "webhook.url",
            Type.PASSWORD,
            "",
            Importance.HIGH,
            "A webhook for teams without Alertmanager (a Slack incoming webhook, or any HTTP"
                + " endpoint taking JSON); empty: none. Never logged: such URLs carry a token.")
        .define(
            "webhook.format",
            Type.STRING,
            "json",
            ValidString.in(SharedConfig.words(WebhookTarget.Format.class)),
            Importance.MEDIUM,
            "json: {cluster, firing, resolved} with each alert's labels and annotations; slack:"
                + " {text} for a Slack incoming webhook.")
        .define(
            "webhook.min.interval",
            Type.STRING,
            "1m",
            Durations.validator(Duration.ZERO),
            Importance.MEDIUM,
            "At most one webhook message per cluster this often: what starts and stops firing"
                + " meanwhile waits for the next message.")
        .define(
            "alertmanager.timeout",
            Type.STRING,
            "5s",
            Durations.validator(Duration.ofMillis(100)),
            Importance.MEDIUM,
            "Deadline for one POST /api/v2/alerts.")
        .define(
            "alert.storm.share",
            Type.DOUBLE,
            0.5,
            Range.between(0.0, 1.0),
            Importance.MEDIUM,
            "Above this share of a cluster's agents down at once, one cluster alert instead of"
                + " one per agent (as while its collector is suspect).")
        .define(
            "alert.endpoints.share",
            Type.DOUBLE,
            0.5,
            Range.between(0.0, 1.0),
            Importance.MEDIUM,
            "An app alerts when at least this share of its endpoints is out of rotation (DRAIN or"
                + " DOWN): critical when none is left UP. 0: no app alerts.")
        .define(
            "alert.flap.count",
            Type.INT,
            4,
            Range.atLeast(0),
            Importance.MEDIUM,
            "A node alerts as flapping after turning bad this many times within"
                + " alert.flap.window, even when each bad spell is short. 0: never.")
        .define(
            "alert.flap.window",
            Type.STRING,
            "30m",
            Durations.validator(Duration.ofMinutes(1)),
            Importance.LOW,
            "How far back turns to a bad state count as flapping; read again from the"
                + " transitions topic after a restart.")
        .define(
            "console.url",
            Type.STRING,
            "",
            Importance.LOW,
            "The console's URL, linked from every alert; empty: no link.")
        .define(
            "processor.url",
            Type.STRING,
            "",
            Importance.LOW,
            "The processor's REST API, linked from every alert; empty: no link.");
    return UpdaterSettings.define(
        d,
        "30s",
        "Send every firing alert again this often (Alertmanager expects a client to resend), and"
            + " each change at once.",
        "Log the alerts that would fire and resolve instead of sending them.",
        "nodes",
        9104);
  }

  /** How the alerter authenticates to Alertmanager. */
  public enum Auth {
    NONE,
    BASIC,
    BEARER
  }

  /** Secrets hidden: the webhook's URL carries its token. */
  @Override
  public String toString() {
    return dev.mesoshealth.service.Redacted.toString(
        this, java.util.Set.of("webhook", "alertmanagerAuthorization"));
  }

  /**
   * The configuration from flags alone (key to value) over the defaults, as tests and tools set it.
   */
  public static AlerterConfig fromFlags(java.util.Map<String, String> flags) {
    return SharedConfig.fromFlags(DEFINITION, flags, AlerterConfig::from);
  }

  public static AlerterConfig from(ServiceConfig c) {
    List<URI> urls =
        c.getList("alertmanager.urls").stream()
            .map(
                u -> {
                  URI uri = URI.create(u.trim());
                  if (uri.getHost() == null
                      || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
                    throw new ConfigException(
                        "alertmanager.urls: '" + u + "' is not a URL like http://am1:9093");
                  }
                  return uri;
                })
            .toList();
    String webhook = c.getPassword("webhook.url");
    URI hook = null;
    if (webhook != null && !webhook.isBlank()) {
      try {
        hook = URI.create(webhook.trim());
      } catch (IllegalArgumentException e) {
        hook = null;
      }
      if (hook == null
          || hook.getHost() == null
          || !(hook.getScheme().equals("http") || hook.getScheme().equals("https"))) {
        throw new ConfigException("webhook.url is not an http(s) URL (its value is not shown)");
      }
    }
    if (urls.isEmpty() && hook == null) {
      throw new ConfigException(
          "nowhere to send alerts: set alertmanager.urls (e.g. http://am1:9093), webhook.url, or"
              + " both");
    }
    String caFile = c.getString("tls.ca.file");
    if (!caFile.isEmpty() && !Files.isReadable(Path.of(caFile))) {
      throw new ConfigException("tls.ca.file: cannot read '" + caFile + "'");
    }
    return new AlerterConfig(
        SharedConfig.kafka(c),
        urls,
        authorization(
            SharedConfig.mode(c, "alertmanager.auth", Auth.class),
            c.getPassword("alertmanager.auth.secret")),
        caFile.isEmpty() ? null : Path.of(caFile),
        hook,
        SharedConfig.mode(c, "webhook.format", WebhookTarget.Format.class),
        c.getDuration("webhook.min.interval"),
        c.getDuration("alertmanager.timeout"),
        new AlertPolicy(
            c.getString(SharedConfig.CLUSTER_NAME),
            c.getDouble("alert.storm.share"),
            c.getDouble("alert.endpoints.share"),
            c.getInt("alert.flap.count"),
            c.getDuration("alert.flap.window"),
            c.getString("console.url").replaceAll("/+$", ""),
            c.getString("processor.url").replaceAll("/+$", "")),
        UpdaterSettings.from(c));
  }

  private static String authorization(Auth mode, String secret) {
    if (mode == Auth.NONE) {
      return null;
    }
    if (secret == null || secret.isEmpty()) {
      throw new ConfigException(
          "alertmanager.auth=" + SharedConfig.word(mode) + " needs alertmanager.auth.secret");
    }
    if (mode == Auth.BEARER) {
      return "Bearer " + secret;
    }
    if (!secret.contains(":")) {
      throw new ConfigException(
          "alertmanager.auth.secret: basic auth takes user:password (the value is not shown)");
    }
    return "Basic " + Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8));
  }
}
