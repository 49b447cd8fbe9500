package dev.mesoshealth.updaters.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesoshealth.events.EndpointStatus;
import dev.mesoshealth.events.HealthStatus;
import dev.mesoshealth.schemas.topics.TopicFollower;
import dev.mesoshealth.schemas.topics.Topics;
import dev.mesoshealth.updaters.HealthEvents;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Which alerts fire for which health states, and when one cluster alert stands for many. */
class AlertBookTest {
  private static final Instant T = Instant.parse("2026-12-07T04:00:00Z");
  private static final AtomicReference<Instant> NOW = new AtomicReference<>(T);
  private static final InstantSource CLOCK = NOW::get;
  private final AlertBook book =
      new AlertBook(AlertPolicy.defaults().withLinks("http://console", "http://api"), CLOCK);

  private static List<TopicFollower.Event> agents(int healthy, int unreachable) {
    List<TopicFollower.Event> out = new ArrayList<>();
    for (int i = 0; i < healthy; i++) {
      out.add(HealthEvents.event(HealthEvents.agent("prod", "H" + i, HealthStatus.HEALTHY)));
    }
    for (int i = 0; i < unreachable; i++) {
      out.add(HealthEvents.event(HealthEvents.agent("prod", "U" + i, HealthStatus.UNREACHABLE)));
    }
    return out;
  }

  @Test
  void aNodeInABadStateIsOneLabelledAlertAndHealthyOnesNone() {
    book.accept(agents(8, 1));
    book.accept(
        List.of(HealthEvents.event(HealthEvents.agent("prod", "D1", HealthStatus.DEGRADED))));

    List<Alert> firing = book.firing();

    assertThat(firing).hasSize(2);
    Alert u = firing.stream().filter(a -> a.labels().get("node").equals("U0")).findFirst().get();
    assertThat(u.labels())
        .containsEntry("alertname", "MesosAgentUnreachable")
        .containsEntry("cluster", "prod")
        .containsEntry("hostname", "agent-U0")
        .containsEntry("role", "AGENT")
        .containsEntry("state", "UNREACHABLE")
        .containsEntry("rule", "poll.failed")
        .containsEntry("severity", "critical");
    assertThat(u.annotations())
        .containsEntry("description", "2 polls failed")
        .containsEntry("api", "http://api/v1/nodes/U0/health")
        .containsEntry("console", "http://console");
    assertThat(firing).anySatisfy(a -> assertThat(a.labels()).containsEntry("severity", "warning"));
  }

  @Test
  void aNodeBackToHealthyOrForgottenStopsFiring() {
    book.accept(agents(8, 1));
    book.accept(
        List.of(HealthEvents.event(HealthEvents.agent("prod", "U0", HealthStatus.HEALTHY))));
    assertThat(book.firing()).isEmpty();

    book.accept(agents(0, 1));
    book.accept(List.of(new TopicFollower.Event(Topics.HEALTH_STATES.name(), "U0", null, 0)));
    assertThat(book.firing()).isEmpty();
  }

  @Test
  void aSuspectCollectorIsOneClusterAlertAndNoAgentAlert() {
    book.accept(agents(2, 8));
    book.accept(
        List.of(
            HealthEvents.event(
                HealthEvents.cluster("prod", HealthStatus.UNKNOWN, "cluster.collector-suspect"))));

    List<Alert> firing = book.firing();

    assertThat(firing)
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.labels()).containsEntry("alertname", "MesosHealthStorm");
              assertThat(a.annotations().get("summary")).contains("the collector may be blind");
            });
  }

  @Test
  void tooManyAgentsDownAtOnceIsOneClusterAlertAndMastersStillAlert() {
    book.accept(agents(4, 6));
    book.accept(
        List.of(
            HealthEvents.event(
                HealthEvents.cluster("prod", HealthStatus.UNHEALTHY, "cluster.agents-down"))));

    List<Alert> firing = book.firing();

    assertThat(firing)
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.labels()).containsEntry("alertname", "MesosHealthStorm");
              assertThat(a.annotations().get("summary"))
                  .contains("6 of 10 agents are down at once");
            });
    // below the share, each agent alerts and so does the cluster
    AlertBook calm = new AlertBook(AlertPolicy.defaults(), CLOCK);
    calm.accept(agents(9, 1));
    calm.accept(
        List.of(
            HealthEvents.event(
                HealthEvents.cluster("prod", HealthStatus.UNHEALTHY, "cluster.agents-down"))));
    assertThat(calm.firing())
        .extracting(a -> a.labels().get("alertname"))
        .containsExactlyInAnyOrder("MesosAgentUnreachable", "MesosClusterUnhealthy");
  }

  @Test
  void onlyTheConfiguredClusterAlerts() {
    AlertBook prodOnly = new AlertBook(AlertPolicy.defaults().withCluster("prod"), CLOCK);
    prodOnly.accept(
        List.of(
            HealthEvents.event(HealthEvents.agent("prod", "A", HealthStatus.UNREACHABLE)),
            HealthEvents.event(HealthEvents.agent("stage", "B", HealthStatus.UNREACHABLE))));
    assertThat(prodOnly.firing())
        .singleElement()
        .satisfies(a -> assertThat(a.annotations()).doesNotContainKeys("api", "console"))
        .extracting(a -> a.labels().get("node"))
        .isEqualTo("A");
  }

  @Test
  void anAppWithHalfItsEndpointsOutOfRotationIsOneAlertCriticalWhenNoneIsLeft() {
    book.accept(
        List.of(
            HealthEvents.endpoint("prod", "/web", "w1", EndpointStatus.UP),
            HealthEvents.endpoint("prod", "/web", "w2", EndpointStatus.DRAIN),
            HealthEvents.endpoint("prod", "/web", "w3", EndpointStatus.DOWN),
            HealthEvents.endpoint("prod", "/web", "w4", EndpointStatus.UP),
            HealthEvents.endpoint("prod", "/db", "d1", EndpointStatus.UP),
            HealthEvents.endpoint("prod", "/db", "d2", EndpointStatus.UP),
            HealthEvents.endpoint("prod", "/db", "d3", EndpointStatus.DOWN)));

    assertThat(book.firing())
        .as("/db has one of three out: below the share")
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.labels())
                  .containsEntry("alertname", "MesosAppEndpointsDown")
                  .containsEntry("app", "/web")
                  .containsEntry("cluster", "prod")
                  .containsEntry("severity", "warning");
              assertThat(a.annotations().get("summary")).contains("2 of 4 endpoints");
              assertThat(a.annotations().get("description"))
                  .startsWith("w2 on agent-w2 DRAIN (agent DEGRADED); w3 on agent-w3 DOWN");
              assertThat(a.annotations().get("api"))
                  .isEqualTo("http://api/v1/endpoints?cluster=prod&app=%2Fweb");
            });

    book.accept(
        List.of(
            HealthEvents.endpoint("prod", "/web", "w1", EndpointStatus.DOWN),
            HealthEvents.endpoint("prod", "/web", "w4", EndpointStatus.DOWN)));
    assertThat(book.firing())
        .singleElement()
        .satisfies(a -> assertThat(a.labels()).containsEntry("severity", "critical"));

    book.accept(
        List.of(
            HealthEvents.endpoint("prod", "/web", "w1", EndpointStatus.UP),
            HealthEvents.endpoint("prod", "/web", "w2", EndpointStatus.UP),
            new TopicFollower.Event(Topics.ENDPOINT_HEALTH.name(), "/web|w3", null, 0),
            new TopicFollower.Event(Topics.ENDPOINT_HEALTH.name(), "/web|w4", null, 0)));
    assertThat(book.firing()).as("back in rotation, the ended tasks forgotten").isEmpty();
  }

  @Test
  void aStormHoldsBackAppAlertsToo() {
    book.accept(agents(2, 8));
    book.accept(
        List.of(
            HealthEvents.endpoint("prod", "/web", "w1", EndpointStatus.DOWN),
            HealthEvents.event(
                HealthEvents.cluster("prod", HealthStatus.UNKNOWN, "cluster.collector-suspect"))));
    assertThat(book.firing())
        .extracting(a -> a.labels().get("alertname"))
        .containsExactly("MesosHealthStorm");
  }

  @Test
  void aNodeThatKeepsTurningBadAlertsAsFlappingUntilTheTurnsAgeOutOfTheWindow() {
    AlertBook flaps =
        new AlertBook(
            new AlertPolicy("", 0.5, 0.5, 3, Duration.ofMinutes(10), "", "http://api"), CLOCK);
    NOW.set(T);
    for (int i = 0; i < 3; i++) {
      Instant at = T.minus(Duration.ofMinutes(9 - i));
      flaps.accept(
          List.of(
              HealthEvents.transition(
                  "prod", "A", HealthStatus.HEALTHY, HealthStatus.UNHEALTHY, at),
              HealthEvents.transition(
                  "prod", "A", HealthStatus.UNHEALTHY, HealthStatus.UNREACHABLE, at.plusSeconds(5)),
              HealthEvents.transition(
                  "prod",
                  "A",
                  HealthStatus.UNREACHABLE,
                  HealthStatus.HEALTHY,
                  at.plusSeconds(20))));
    }
    flaps.accept(
        List.of(
            HealthEvents.transition(
                "prod", "B", HealthStatus.HEALTHY, HealthStatus.DEGRADED, T.minusSeconds(60)),
            HealthEvents.transition(
                "prod", "B", HealthStatus.DEGRADED, HealthStatus.HEALTHY, T.minusSeconds(30))));

    assertThat(flaps.firing())
        .as("A turned bad three times (UNHEALTHY -> UNREACHABLE is the same spell); B once")
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.labels())
                  .containsEntry("alertname", "MesosNodeFlapping")
                  .containsEntry("node", "A")
                  .containsEntry("severity", "warning");
              assertThat(a.annotations().get("summary")).endsWith("turned bad 3 times in 10m");
              assertThat(a.annotations().get("api")).isEqualTo("http://api/v1/nodes/A/history");
              assertThat(a.startsAt()).isEqualTo(T.minus(Duration.ofMinutes(9)));
            });

    NOW.set(T.plus(Duration.ofMinutes(1)).plusSeconds(1));
    assertThat(flaps.firing()).as("the first turn left the window").isEmpty();
  }
}
