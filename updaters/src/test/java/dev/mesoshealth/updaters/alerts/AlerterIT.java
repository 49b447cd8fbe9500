package dev.mesoshealth.updaters.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.mesoshealth.events.EndpointStatus;
import dev.mesoshealth.events.HealthState;
import dev.mesoshealth.events.HealthStatus;
import dev.mesoshealth.schemas.topics.Topic;
import dev.mesoshealth.schemas.topics.TopicFollower;
import dev.mesoshealth.schemas.topics.Topics;
import dev.mesoshealth.service.HttpApi;
import dev.mesoshealth.service.SharedConfig;
import dev.mesoshealth.testkit.KafkaBrokerExtension;
import dev.mesoshealth.updaters.HealthEvents;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alerter against a real Prometheus Alertmanager, fed health states, endpoints and transitions
 * through a real broker: a bad node, an app with most endpoints out of rotation and a flapping node
 * are alerts in Alertmanager with their labels, Alertmanager's own route delivers them to a webhook
 * receiver, a restart keeps them, recovery resolves them, and a blind collector is one cluster
 * alert and no agent alert.
 */
class AlerterIT {
  private static final String CLUSTER = "alerts";

  @RegisterExtension static final KafkaBrokerExtension kafka = new KafkaBrokerExtension();

  @TempDir Path dir;
  private final HttpClient http = HttpClient.newHttpClient();

  private JsonNode get(String url) throws Exception {
    return HttpApi.JSON.readTree(
        http.send(
                HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString())
            .body());
  }

  /** The sum of an alerter's samples of {@code name} with {@code label} (e.g. kind="firing"). */
  private double metric(AlerterMain alerter, String name, String label) throws Exception {
    String metrics =
        http.send(
                HttpRequest.newBuilder(URI.create(alerter.adminUrl() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    return metrics
        .lines()
        .filter(l -> l.startsWith(name + "{") && l.contains(label))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  /** Firing alerts an alerter has sent. */
  private double sentFiring(AlerterMain alerter) throws Exception {
    return metric(alerter, "mesos_health_alerts_sent_total", "kind=\"firing\"");
  }

  private static final String BAD_NODE = "MesosAgentUnreachable U0";
  private static final String BAD_APP = "MesosAppEndpointsDown /shop";
  private static final String FLAPPING = "MesosNodeFlapping H8";

  private static <V> void publishEvents(Topic<String, V> topic, TopicFollower.Event... events) {
    List<Map.Entry<String, V>> records = new ArrayList<>();
    for (TopicFollower.Event e : events) {
      @SuppressWarnings("unchecked")
      V value = (V) e.value();
      records.add(Map.entry(e.key(), value));
    }
    kafka.produce(topic, records);
  }

  private static void publish(HealthState... states) {
    List<Map.Entry<String, HealthState>> records = new ArrayList<>();
    for (HealthState s : states) {
      records.add(Map.entry(s.getNode().getId(), s));
    }
    kafka.produce(Topics.HEALTH_STATES, records);
  }

  @Test
  void aBadNodeIsAnAlertItsRouteDeliversRecoveryResolvesAndABlindCollectorIsOneAlert()
      throws Exception {
    List<JsonNode> notifications = new CopyOnWriteArrayList<>();
    HttpServer hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    hook.createContext(
        "/hook",
        ex -> {
          notifications.add(HttpApi.JSON.readTree(ex.getRequestBody()));
          ex.sendResponseHeaders(200, -1);
          ex.close();
        });
    hook.start();
    try (AlertmanagerProcess alertmanager =
        new AlertmanagerProcess(
            dir,
            String.join(
                "\n",
                "    webhook_configs:",
                "      - url: http://127.0.0.1:" + hook.getAddress().getPort() + "/hook",
                "        send_resolved: true"))) {
      String am = alertmanager.url();
      kafka.createTopics(
          List.of(Topics.HEALTH_STATES, Topics.ENDPOINT_HEALTH, Topics.HEALTH_TRANSITIONS), 1);
      List<HealthState> calm = new ArrayList<>();
      for (int i = 0; i < 9; i++) {
        calm.add(HealthEvents.agent(CLUSTER, "H" + i, HealthStatus.HEALTHY));
      }
      calm.add(HealthEvents.cluster(CLUSTER, HealthStatus.HEALTHY, null));
      publish(calm.toArray(HealthState[]::new));
      publish(HealthEvents.agent(CLUSTER, "U0", HealthStatus.UNREACHABLE));
      // an app with two of its three endpoints out of rotation
      publishEvents(
          Topics.ENDPOINT_HEALTH,
          HealthEvents.endpoint(CLUSTER, "/shop", "s1", EndpointStatus.UP),
          HealthEvents.endpoint(CLUSTER, "/shop", "s2", EndpointStatus.DOWN),
          HealthEvents.endpoint(CLUSTER, "/shop", "s3", EndpointStatus.DRAIN));
      // an agent that turned bad four times in the last ten minutes, healthy now
      Instant now = Instant.now();
      List<TopicFollower.Event> turns = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        Instant at = now.minus(Duration.ofMinutes(10 - 2 * i));
        turns.add(
            HealthEvents.transition(
                CLUSTER, "H8", HealthStatus.HEALTHY, HealthStatus.UNHEALTHY, at));
        turns.add(
            HealthEvents.transition(
                CLUSTER, "H8", HealthStatus.UNHEALTHY, HealthStatus.HEALTHY, at.plusSeconds(30)));
      }
      publishEvents(Topics.HEALTH_TRANSITIONS, turns.toArray(TopicFollower.Event[]::new));
      Map<String, String> flags = new HashMap<>();
      flags.put(SharedConfig.KAFKA_BOOTSTRAP_SERVERS, kafka.bootstrapServers());
      flags.put("alertmanager.urls", am);
      flags.put(SharedConfig.RECONCILE_INTERVAL, "1s");
      flags.put(SharedConfig.ADMIN_PORT, "0");
      flags.put("processor.url", "http://processor:8081");
      flags.put(SharedConfig.CLUSTER_NAME, CLUSTER); // the other test's cluster shares the topic
      AlerterMain first = AlerterMain.start(AlerterConfig.fromFlags(flags));
      try {
        assertThat(get(first.adminUrl() + "/health/live").isMissingNode()).isFalse();
        await("the unreachable agent is an alert in Alertmanager, with its labels")
            .atMost(Duration.ofSeconds(30))
            .ignoreExceptions()
            .until(() -> alertmanager.active().containsAll(List.of(BAD_NODE, BAD_APP, FLAPPING)));
        JsonNode alert =
            java.util.stream.StreamSupport.stream(alertmanager.alerts().spliterator(), false)
                .filter(a -> a.path("labels").path("node").asText().equals("U0"))
                .findFirst()
                .orElseThrow();
        assertThat(alert.path("labels").path("cluster").asText()).isEqualTo(CLUSTER);
        assertThat(alert.path("labels").path("severity").asText()).isEqualTo("critical");
        assertThat(alert.path("labels").path("rule").asText()).isEqualTo("poll.failed");
        assertThat(alert.path("annotations").path("api").asText())
            .isEqualTo("http://processor:8081/v1/nodes/U0/health");
        await("Alertmanager's route delivers each to the webhook")
            .atMost(Duration.ofSeconds(15))
            .until(
                () ->
                    notifications.stream()
                            .filter(n -> n.path("status").asText().equals("firing"))
                            .map(n -> n.path("groupLabels").path("alertname").asText())
                            .distinct()
                            .count()
                        == 3);
      } finally {
        first.close();
      }
      // a restart: the new alerter reads the compacted states topic again, so the alert still
      // fires, is sent again, and nobody is told anything new
      int told = notifications.size();
      try (AlerterMain alerter = AlerterMain.start(AlerterConfig.fromFlags(flags))) {
        await("after a restart the firing alert is sent again")
            .atMost(Duration.ofSeconds(15))
            .ignoreExceptions()
            .until(() -> sentFiring(alerter) >= 2);
        assertThat(alertmanager.active())
            .as("the flapping node's turns are read again from the transitions topic")
            .containsExactlyInAnyOrder(BAD_NODE, BAD_APP, FLAPPING);
        assertThat(notifications).as("not resolved, not notified again").hasSize(told);

        publish(HealthEvents.agent(CLUSTER, "U0", HealthStatus.HEALTHY));
        publishEvents(
            Topics.ENDPOINT_HEALTH,
            HealthEvents.endpoint(CLUSTER, "/shop", "s3", EndpointStatus.UP));
        await("recovery resolves them, in Alertmanager and at the webhook; the flapping stays")
            .atMost(Duration.ofSeconds(15))
            .ignoreExceptions()
            .until(
                () ->
                    alertmanager.active().equals(List.of(FLAPPING))
                        && notifications.stream()
                            .anyMatch(n -> n.path("status").asText().equals("resolved")));

        List<HealthState> blind = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
          blind.add(HealthEvents.agent(CLUSTER, "H" + i, HealthStatus.UNREACHABLE));
        }
        blind.add(HealthEvents.cluster(CLUSTER, HealthStatus.UNKNOWN, "cluster.collector-suspect"));
        publish(blind.toArray(HealthState[]::new));
        await("a blind collector: one cluster alert")
            .atMost(Duration.ofSeconds(15))
            .ignoreExceptions()
            .until(() -> alertmanager.active().equals(List.of("MesosHealthStorm " + CLUSTER)));
      }
    } finally {
      hook.stop(0);
    }
  }

  @Test
  void withoutAlertmanagerAWebhookGetsOneMessagePerClusterForABadMinute() throws Exception {
    List<JsonNode> messages = new CopyOnWriteArrayList<>();
    HttpServer hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    hook.createContext(
        "/services/T000/B000/secret",
        ex -> {
          messages.add(HttpApi.JSON.readTree(ex.getRequestBody()));
          ex.sendResponseHeaders(200, -1);
          ex.close();
        });
    hook.start();
    kafka.createTopics(List.of(Topics.HEALTH_STATES), 1);
    String cluster = "hooked";
    List<HealthState> bad = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      bad.add(
          HealthEvents.agent(
              cluster, "W" + i, i < 3 ? HealthStatus.UNREACHABLE : HealthStatus.HEALTHY));
    }
    publish(bad.toArray(HealthState[]::new));
    Map<String, String> flags = new HashMap<>();
    flags.put(SharedConfig.KAFKA_BOOTSTRAP_SERVERS, kafka.bootstrapServers());
    flags.put(
        "webhook.url",
        "http://127.0.0.1:" + hook.getAddress().getPort() + "/services/T000/B000/secret");
    flags.put("webhook.format", "slack");
    flags.put("webhook.min.interval", "2s");
    flags.put(SharedConfig.RECONCILE_INTERVAL, "1s");
    flags.put(SharedConfig.CLUSTER_NAME, cluster);
    flags.put(SharedConfig.ADMIN_PORT, "0");
    AlerterConfig config = AlerterConfig.fromFlags(flags);
    assertThat(config.toString()).doesNotContain("secret");
    try (AlerterMain alerter = AlerterMain.start(config)) {
      assertThat(get(alerter.adminUrl() + "/health/live").isMissingNode()).isFalse();
      await("one Slack message for the three agents down")
          .atMost(Duration.ofSeconds(20))
          .until(() -> !messages.isEmpty());
      String text = messages.get(0).path("text").asText();
      assertThat(text).startsWith("*mesos-health, cluster hooked*");
      assertThat(text.split(":red_circle:")).hasSize(4);

      publish(HealthEvents.agent(cluster, "W0", HealthStatus.HEALTHY));
      await("the recovery in the next message")
          .atMost(Duration.ofSeconds(20))
          .until(() -> messages.size() >= 2);
      assertThat(messages.get(1).path("text").asText()).contains("resolved: Agent agent-W0");
      assertThat(messages).as("one message per change, not one per agent").hasSize(2);
    } finally {
      hook.stop(0);
    }
  }

  @Test
  void anAlertmanagerBehindTlsAndBasicAuthIsToldWithTheRightCredentialsOnly() throws Exception {
    String cluster = "secured";
    kafka.createTopics(List.of(Topics.HEALTH_STATES), 1);
    publish(HealthEvents.agent(cluster, "T0", HealthStatus.UNREACHABLE));
    try (AlertmanagerProcess alertmanager =
        AlertmanagerProcess.secured(dir, null, "alerter", "am-secret")) {
      Map<String, String> flags = new HashMap<>();
      flags.put(SharedConfig.KAFKA_BOOTSTRAP_SERVERS, kafka.bootstrapServers());
      flags.put("alertmanager.urls", alertmanager.url());
      flags.put("alertmanager.auth", "basic");
      flags.put("alertmanager.auth.secret", "alerter:wrong");
      flags.put("tls.ca.file", alertmanager.caFile().toString());
      flags.put(SharedConfig.RECONCILE_INTERVAL, "1s");
      flags.put(SharedConfig.CLUSTER_NAME, cluster);
      flags.put(SharedConfig.ADMIN_PORT, "0");
      try (AlerterMain refused = AlerterMain.start(AlerterConfig.fromFlags(flags))) {
        await("a wrong password is a failed send")
            .atMost(Duration.ofSeconds(20))
            .ignoreExceptions()
            .until(() -> metric(refused, "mesos_health_alert_send_errors_total", "target=") >= 1);
        assertThat(alertmanager.active()).isEmpty();
      }
      flags.put("alertmanager.auth.secret", "alerter:am-secret");
      AlerterConfig config = AlerterConfig.fromFlags(flags);
      assertThat(config.toString()).doesNotContain("am-secret");
      try (AlerterMain alerter = AlerterMain.start(config)) {
        await("the right one is heard over TLS")
            .atMost(Duration.ofSeconds(20))
            .ignoreExceptions()
            .until(() -> alertmanager.active().equals(List.of("MesosAgentUnreachable T0")));
        assertThat(metric(alerter, "mesos_health_alert_send_errors_total", "target=")).isZero();
      }
    }
  }
}
