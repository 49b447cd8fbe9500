package dev.mesoshealth.updaters.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesoshealth.events.HealthStatus;
import dev.mesoshealth.schemas.topics.TopicFollower;
import dev.mesoshealth.schemas.topics.Topics;
import dev.mesoshealth.updaters.HealthEvents;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which alerts fire for which health states, and when one cluster alert stands for many. */
class AlertBookTest {
  private final AlertBook book = new AlertBook("", 0.5, "http://console", "http://api");

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
    AlertBook calm = new AlertBook("", 0.5, "", "");
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
    AlertBook prodOnly = new AlertBook("prod", 0.5, "", "");
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
}
