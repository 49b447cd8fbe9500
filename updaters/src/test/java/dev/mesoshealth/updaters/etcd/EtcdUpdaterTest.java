package dev.mesoshealth.updaters.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesoshealth.events.EndpointHealth;
import dev.mesoshealth.events.EndpointStatus;
import dev.mesoshealth.events.HealthStatus;
import dev.mesoshealth.schemas.topics.TopicFollower;
import dev.mesoshealth.schemas.topics.Topics;
import dev.mesoshealth.testkit.SampleEvents;
import dev.mesoshealth.updaters.HealthEvents;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The updater's core against etcd in memory: what it writes, deletes, keeps and rewrites. */
class EtcdUpdaterTest {
  private final InMemoryRecordStore store = new InMemoryRecordStore();
  private final EtcdUpdater updater = new EtcdUpdater("/mh", "", store, new PrometheusRegistry());

  private static TopicFollower.Event endpoint(String task, EndpointStatus status) {
    EndpointHealth e = SampleEvents.endpointHealth(task, "S1");
    e.setStatus(status);
    return new TopicFollower.Event(Topics.ENDPOINT_HEALTH.name(), "/web/frontend|" + task, e, 0);
  }

  private static TopicFollower.Event agent(String id) {
    return new TopicFollower.Event(
        Topics.HEALTH_STATES.name(), id, SampleEvents.healthState(id), 0);
  }

  private static TopicFollower.Event cluster(boolean collectorSuspect) {
    return HealthEvents.event(
        collectorSuspect
            ? HealthEvents.cluster("prod", HealthStatus.UNKNOWN, "cluster.collector-suspect")
            : HealthEvents.cluster("prod", HealthStatus.HEALTHY, null));
  }

  @Test
  void aFullReconcileWritesWhatTheTopicsJustifyAndDeletesTheRest() throws Exception {
    store.records.put("/mh/health/agents/gone", "{}");
    store.records.put("/elsewhere/x", "kept: not under the prefix");
    updater.accept(List.of(agent("S1"), endpoint("t1", EndpointStatus.UP)));

    updater.reconcile(true);

    assertThat(store.records)
        .containsOnlyKeys("/mh/health/agents/S1", "/mh/services/web/frontend/t1", "/elsewhere/x");
    assertThat(store.records.get("/mh/services/web/frontend/t1")).isEqualTo("127.1.0.1:31001");
  }

  @Test
  void anIncrementalReconcileWritesOnlyTheChange() throws Exception {
    updater.accept(List.of(agent("S1"), endpoint("t1", EndpointStatus.UP)));
    updater.reconcile(true);
    store.records.put("/mh/drift", "not seen by an incremental reconcile");

    updater.accept(List.of(endpoint("t1", EndpointStatus.DOWN)));
    updater.reconcile(false);

    assertThat(store.records).doesNotContainKey("/mh/services/web/frontend/t1");
    assertThat(store.records).containsKey("/mh/drift");
    updater.reconcile(true);
    assertThat(store.records).doesNotContainKey("/mh/drift");
  }

  @Test
  void aLostLeaseRewritesEveryRecord() throws Exception {
    updater.accept(List.of(agent("S1")));
    updater.reconcile(true);
    store.records.clear(); // the lease expired: etcd dropped its keys

    store.loseLease();
    updater.reconcile(false);

    assertThat(store.records).containsOnlyKeys("/mh/health/agents/S1");
  }

  @Test
  void whileTheCollectorIsSuspectServiceRecordsStay() throws Exception {
    updater.accept(List.of(agent("S1"), endpoint("t1", EndpointStatus.UP)));
    updater.reconcile(true);

    updater.accept(List.of(cluster(true), endpoint("t1", EndpointStatus.DOWN)));
    updater.reconcile(true);
    assertThat(store.records).containsKey("/mh/services/web/frontend/t1");

    updater.accept(List.of(cluster(false)));
    updater.reconcile(true);
    assertThat(store.records).doesNotContainKey("/mh/services/web/frontend/t1");
  }

  @Test
  void aDryRunWritesNothing() throws Exception {
    EtcdUpdater dry =
        new EtcdUpdater("/mh", "", new DryRunRecordStore(store), new PrometheusRegistry());
    dry.accept(List.of(agent("S1"), endpoint("t1", EndpointStatus.UP)));

    dry.reconcile(true);

    assertThat(store.records).isEmpty();
    assertThat(store.writes).isZero();
  }
}
