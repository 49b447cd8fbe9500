package dev.mesoshealth.updaters.haproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mesoshealth.events.EndpointHealth;
import dev.mesoshealth.events.EndpointStatus;
import dev.mesoshealth.events.HealthStatus;
import dev.mesoshealth.schemas.topics.TopicFollower;
import dev.mesoshealth.schemas.topics.Topics;
import dev.mesoshealth.testkit.SampleEvents;
import dev.mesoshealth.updaters.HealthEvents;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The updater's core against HAProxies in memory: what it applies, holds back, and counts. */
class HaproxyUpdaterTest {
  private static final String WEB = "web_frontend_10000";

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final HaproxyUpdater updater = new HaproxyUpdater("", 0.5, registry, Clock.systemUTC());

  private static InMemoryHaproxy twoSlots() {
    return new InMemoryHaproxy(
        "haproxy-1",
        List.of(
            new ServerState(WEB, "slot1", "0.0.0.0", 0, AdminState.MAINT),
            new ServerState(WEB, "slot2", "0.0.0.0", 0, AdminState.MAINT)));
  }

  private static TopicFollower.Event endpoint(String task, int port, EndpointStatus status) {
    EndpointHealth e = SampleEvents.endpointHealth(task, "S1");
    e.setPort(port);
    e.setStatus(status);
    return new TopicFollower.Event(Topics.ENDPOINT_HEALTH.name(), "/web/frontend|" + task, e, 0);
  }

  private static TopicFollower.Event cluster(boolean collectorSuspect) {
    return HealthEvents.event(
        collectorSuspect
            ? HealthEvents.cluster("prod", HealthStatus.UNKNOWN, "cluster.collector-suspect")
            : HealthEvents.cluster("prod", HealthStatus.HEALTHY, null));
  }

  private double counter(String name, String... labels) {
    return registry.scrape().stream()
        .filter(m -> m.getMetadata().getPrometheusName().equals(name.replace("_total", "")))
        .flatMap(m -> ((CounterSnapshot) m).getDataPoints().stream())
        .filter(d -> d.getLabels().toString().contains(String.join("", labels)))
        .mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue)
        .sum();
  }

  @Test
  void upEndpointsFillSlotsAndADownOneIsTakenOut() throws IOException {
    InMemoryHaproxy haproxy = twoSlots();
    updater.accept(
        List.of(
            endpoint("t1", 31001, EndpointStatus.UP), endpoint("t2", 31002, EndpointStatus.UP)));

    updater.reconcile(haproxy);

    assertThat(haproxy.servers())
        .extracting(ServerState::addressAndPort, ServerState::state)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("127.1.0.1:31001", AdminState.READY),
            org.assertj.core.groups.Tuple.tuple("127.1.0.1:31002", AdminState.READY));

    updater.accept(List.of(endpoint("t1", 31001, EndpointStatus.DOWN)));
    int before = haproxy.commands().size();
    updater.reconcile(haproxy);

    assertThat(haproxy.commands().subList(before, haproxy.commands().size()))
        .singleElement()
        .asString()
        .endsWith("state maint");
    assertThat(counter("mesos_health_haproxy_changes_total", "maint")).isEqualTo(1.0);
    assertThat(counter("mesos_health_haproxy_reconciles_total")).isEqualTo(2.0);
  }

  @Test
  void aSecondReconcileInStepChangesNothing() throws IOException {
    InMemoryHaproxy haproxy = twoSlots();
    updater.accept(List.of(endpoint("t1", 31001, EndpointStatus.UP)));
    updater.reconcile(haproxy);
    int after = haproxy.commands().size();

    updater.reconcile(haproxy);

    assertThat(haproxy.commands()).hasSize(after);
  }

  @Test
  void whileTheCollectorIsSuspectNothingIsTakenOut() throws IOException {
    InMemoryHaproxy haproxy = twoSlots();
    updater.accept(
        List.of(
            endpoint("t1", 31001, EndpointStatus.UP), endpoint("t2", 31002, EndpointStatus.UP)));
    updater.reconcile(haproxy);
    int after = haproxy.commands().size();

    updater.accept(List.of(cluster(true), endpoint("t1", 31001, EndpointStatus.DOWN)));
    updater.reconcile(haproxy);
    assertThat(haproxy.commands()).as("frozen").hasSize(after);

    updater.accept(List.of(cluster(false)));
    updater.reconcile(haproxy);
    assertThat(haproxy.commands()).as("clear again").hasSize(after + 1);
  }

  @Test
  void aDryRunReadsButChangesNothing() throws IOException {
    InMemoryHaproxy haproxy = twoSlots();
    updater.accept(List.of(endpoint("t1", 31001, EndpointStatus.UP)));

    updater.reconcile(new DryRunHaproxy(haproxy));

    assertThat(haproxy.commands()).isEmpty();
    assertThat(haproxy.servers()).allMatch(ServerState::unset);
    assertThat(counter("mesos_health_haproxy_changes_total")).isZero();
    assertThat(counter("mesos_health_haproxy_reconciles_total")).isEqualTo(1.0);
  }

  @Test
  void aFailureReachesTheLoopAndIsCounted() {
    InMemoryHaproxy haproxy = twoSlots();
    haproxy.away(true);
    var target = updater.target(haproxy);

    assertThatThrownBy(() -> target.reconcile(true)).isInstanceOf(IOException.class);
    target.failed(new IOException("away"));

    assertThat(counter("mesos_health_haproxy_errors_total", "haproxy-1")).isEqualTo(1.0);
  }
}
