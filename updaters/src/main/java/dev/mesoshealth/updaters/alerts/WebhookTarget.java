package dev.mesoshealth.updaters.alerts;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mesoshealth.service.HttpApi;
import dev.mesoshealth.updaters.ReconcileLoop;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A webhook for teams without Alertmanager: one POST per cluster with the alerts that started and
 * stopped firing since the last, at most one a {@link WebhookBatch} interval per cluster; a generic
 * JSON body, or a Slack-compatible one ({@code {"text": ...}}).
 */
final class WebhookTarget implements ReconcileLoop.Target {
  private static final Logger log = LoggerFactory.getLogger(WebhookTarget.class);

  /** The body's shape. */
  public enum Format {
    JSON,
    SLACK
  }

  private final URI url;
  private final Format format;
  private final Supplier<List<Alert>> firing;
  private final Delivery delivery;
  private final WebhookBatch batch;

  WebhookTarget(
      URI url,
      Format format,
      Supplier<List<Alert>> firing,
      Duration minInterval,
      Delivery delivery) {
    this.url = url;
    this.format = format;
    this.firing = firing;
    this.batch = new WebhookBatch(minInterval);
    this.delivery = delivery;
  }

  @Override
  public String name() {
    return "webhook"; // its URL may carry a secret token (Slack's do): never in a log line
  }

  @Override
  public void reconcile(boolean full) throws IOException, InterruptedException {
    Instant now = delivery.clock().instant();
    for (WebhookBatch.Message m : batch.due(firing.get(), now)) {
      String body = format == Format.SLACK ? slack(m) : json(m).toString();
      if (delivery.dryRun()) {
        log.info("webhook: dry run: would send {}", body);
      } else {
        JsonPost.send(
            delivery.http(),
            url,
            null,
            delivery.timeout(),
            body,
            "the webhook"); // never its URL: a secret
        delivery.sent().labelValues("webhook", "message").inc();
      }
      batch.sent(m, now);
    }
  }

  @Override
  public void failed(Exception e) {
    delivery.errors().labelValues("webhook").inc();
  }

  private static ObjectNode json(WebhookBatch.Message m) {
    ObjectNode o = HttpApi.JSON.createObjectNode();
    o.put("cluster", m.cluster());
    o.set("firing", alerts(m.firing()));
    o.set("resolved", alerts(m.resolved()));
    return o;
  }

  private static ArrayNode alerts(List<Alert> alerts) {
    ArrayNode a = HttpApi.JSON.createArrayNode();
    for (Alert alert : alerts) {
      ObjectNode o = a.addObject();
      o.set("labels", HttpApi.JSON.valueToTree(alert.labels()));
      o.set("annotations", HttpApi.JSON.valueToTree(alert.annotations()));
      o.put("startsAt", String.valueOf(alert.startsAt()));
    }
    return a;
  }

  private static String slack(WebhookBatch.Message m) {
    StringBuilder text = new StringBuilder("*mesos-health, cluster " + m.cluster() + "*");
    m.firing().forEach(a -> text.append("\n:red_circle: ").append(a.annotations().get("summary")));
    m.resolved()
        .forEach(
            a ->
                text.append("\n:large_green_circle: resolved: ")
                    .append(a.annotations().get("summary")));
    ObjectNode o = HttpApi.JSON.createObjectNode();
    o.put("text", text.toString());
    return o.toString();
  }
}
