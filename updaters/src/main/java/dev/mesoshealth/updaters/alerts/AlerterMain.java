package dev.mesoshealth.updaters.alerts;

import dev.mesoshealth.schemas.topics.TopicFollower;
import dev.mesoshealth.service.AdminServer;
import dev.mesoshealth.service.Durations;
import dev.mesoshealth.service.HttpApi;
import dev.mesoshealth.service.TlsContexts;
import dev.mesoshealth.updaters.ReconcileLoop;
import dev.mesoshealth.updaters.UpdaterRun;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alerter service: follows what the {@link AlertBook} reads into it, and one {@link
 * ReconcileLoop} tells every Alertmanager what fires, on each change and every resend interval,
 * with backoff (logged once per outage) while one is away. /metrics and /health on the admin port.
 */
public final class AlerterMain implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AlerterMain.class);

  private final UpdaterRun run;

  private AlerterMain(UpdaterRun run) {
    this.run = run;
  }

  public static AlerterMain start(AlerterConfig config) {
    Clock clock = Clock.systemUTC();
    PrometheusRegistry registry = new PrometheusRegistry();
    JvmMetrics.builder().register(registry);
    AlertBook book = new AlertBook(config.policy(), clock);
    Counter sent =
        Counter.builder()
            .name("mesos_health_alerts_sent_total")
            .help("Alerts sent, by target (an Alertmanager, the webhook) and kind.")
            .labelNames("target", "kind")
            .register(registry);
    Counter errors =
        Counter.builder()
            .name("mesos_health_alert_send_errors_total")
            .help("Failed sends, by target.")
            .labelNames("target")
            .register(registry);
    GaugeWithCallback.builder()
        .name("mesos_health_alerts_firing")
        .help("Alerts firing now.")
        .callback(cb -> cb.call(book.firing().size()))
        .register(registry);
    Delivery delivery =
        new Delivery(
            config.caFile() == null
                ? HttpClient.newHttpClient()
                : HttpClient.newBuilder().sslContext(TlsContexts.trusting(config.caFile())).build(),
            config.timeout(),
            config.updater().dryRun(),
            clock,
            sent,
            errors);
    List<ReconcileLoop.Target> targets = new ArrayList<>();
    for (URI url : config.alertmanagers()) {
      targets.add(
          new AlertmanagerTarget(
              "alertmanager-" + (targets.size() + 1) + " " + url,
              url,
              config.alertmanagerAuthorization(),
              book::firing,
              config.updater().reconcileInterval().multipliedBy(4),
              delivery));
    }
    if (config.webhook() != null) {
      targets.add(
          new WebhookTarget(
              config.webhook(),
              config.webhookFormat(),
              book::firing,
              config.webhookMinInterval(),
              delivery));
    }
    ReconcileLoop loop =
        new ReconcileLoop("alerter", config.updater().reconcileInterval(), clock, log);
    TopicFollower follower =
        loop.feed("alerter-feed", config.kafka(), book.sources(), book::accept);
    AdminServer admin =
        AdminServer.start(
            config.updater().admin().host(),
            config.updater().admin().port(),
            new HttpApi(),
            null,
            follower::caughtUp,
            registry,
            2);
    follower.start();
    loop.start(targets, follower::caughtUp);
    log.info(
        "alerter{} telling {}{} what fires (resent every {}); metrics at {}/metrics",
        config.updater().dryRun() ? " (dry run)" : "",
        config.alertmanagers().isEmpty() ? "no Alertmanager" : config.alertmanagers(),
        config.webhook() == null ? "" : " and a webhook",
        Durations.format(config.updater().reconcileInterval()),
        admin.url());
    return new AlerterMain(new UpdaterRun(follower, loop, null, admin));
  }

  public String adminUrl() {
    return run.adminUrl();
  }

  @Override
  public void close() {
    run.close();
  }
}
