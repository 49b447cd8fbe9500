package dev.mesoshealth.updaters.alerts;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mesoshealth.service.HttpApi;
import dev.mesoshealth.updaters.ReconcileLoop;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Alertmanager, kept told as its v2 API expects of a client: every firing alert is sent again
 * at each reconcile with an end a few resends ahead (so that it resolves by itself should this
 * alerter die), and an alert that stopped firing is sent once more with its end now. With several
 * Alertmanagers (HA) each is one target: all are told; silences, grouping and routing stay theirs.
 */
final class AlertmanagerTarget implements ReconcileLoop.Target {
  private static final Logger log = LoggerFactory.getLogger(AlertmanagerTarget.class);

  private final String name;
  private final URI alerts;
  private final String authorization;
  private final Supplier<List<Alert>> firing;
  private final Delivery delivery;
  private final Duration holdFor;
  private Map<SortedMap<String, String>, Alert> told = new HashMap<>();

  /**
   * @param authorization the Authorization header; null: none
   * @param holdFor how long a firing alert lasts unless sent again (a few reconcile intervals)
   */
  AlertmanagerTarget(
      String name,
      URI alertmanager,
      String authorization,
      Supplier<List<Alert>> firing,
      Duration holdFor,
      Delivery delivery) {
    this.name = name;
    this.alerts = alertmanager.resolve("/api/v2/alerts");
    this.authorization = authorization;
    this.firing = firing;
    this.holdFor = holdFor;
    this.delivery = delivery;
  }

  @Override
  public String name() {
    return name;
  }

  /** Sends every firing alert, and the ones that stopped firing since the last success. */
  @Override
  public void reconcile(boolean full) throws IOException, InterruptedException {
    Instant now = delivery.clock().instant();
    Map<SortedMap<String, String>, Alert> firingNow = new HashMap<>();
    firing.get().forEach(a -> firingNow.put(a.labels(), a));
    List<Alert> resolved = new ArrayList<>();
    told.forEach(
        (labels, a) -> {
          if (!firingNow.containsKey(labels)) {
            resolved.add(a);
          }
        });
    if (firingNow.isEmpty() && resolved.isEmpty()) {
      return;
    }
    ArrayNode body = HttpApi.JSON.createArrayNode();
    firingNow.values().forEach(a -> body.add(json(a, now.plus(holdFor))));
    resolved.forEach(a -> body.add(json(a, now)));
    if (delivery.dryRun()) {
      resolved.forEach(a -> log.info("{}: dry run: would resolve {}", name, a.labels()));
      firingNow.values().stream()
          .filter(a -> !told.containsKey(a.labels()))
          .forEach(a -> log.info("{}: dry run: would fire {}", name, a.labels()));
      told = firingNow;
      return;
    }
    JsonPost.send(
        delivery.http(), alerts, authorization, delivery.timeout(), body.toString(), name);
    firingNow.values().stream()
        .filter(a -> !told.containsKey(a.labels()))
        .forEach(a -> log.info("{}: firing {}", name, a.labels()));
    resolved.forEach(a -> log.info("{}: resolved {}", name, a.labels()));
    delivery.sent().labelValues(name, "firing").inc(firingNow.size());
    delivery.sent().labelValues(name, "resolved").inc(resolved.size());
    told = firingNow;
  }

  @Override
  public void failed(Exception e) {
    delivery.errors().labelValues(name).inc();
  }

  private static ObjectNode json(Alert a, Instant endsAt) {
    ObjectNode o = HttpApi.JSON.createObjectNode();
    o.set("labels", HttpApi.JSON.valueToTree(a.labels()));
    o.set("annotations", HttpApi.JSON.valueToTree(a.annotations()));
    if (a.startsAt() != null) {
      o.put("startsAt", a.startsAt().toString());
    }
    o.put("endsAt", endsAt.toString());
    return o;
  }
}
