package dev.mesoshealth.updaters.etcd;

import dev.mesoshealth.events.EndpointHealth;
import dev.mesoshealth.events.HealthState;
import dev.mesoshealth.schemas.topics.TopicFollower;
import dev.mesoshealth.schemas.topics.Topics;
import dev.mesoshealth.updaters.ClusterGuard;
import dev.mesoshealth.updaters.ReconcileLoop;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the etcd updater knows and does: it takes mesos.health.states and mesos.endpoints.health as
 * they come, and brings a {@link RecordStore} in step with the records they justify ({@link
 * Records}): in full against what the store holds (deleting what the topics no longer justify), or
 * against what was last written. While a cluster's collector is suspect, service records stay as
 * they are (health records keep following). No I/O of its own: {@link EtcdUpdaterMain} wires it.
 */
public final class EtcdUpdater implements ReconcileLoop.Target {
  private static final Logger log = LoggerFactory.getLogger(EtcdUpdater.class);

  private final Records records;
  private final RecordStore store;
  private final ClusterGuard guard;
  private final Map<String, HealthState> states = new HashMap<>();
  private final Map<String, EndpointHealth> endpoints = new HashMap<>();
  private final Counter puts;
  private final Counter deletes;
  private final Counter errors;
  private final Counter leases;
  private SortedMap<String, String> written = new TreeMap<>();

  /**
   * @param cluster only records of this cluster; empty: every cluster
   */
  public EtcdUpdater(
      String prefix, String cluster, RecordStore store, PrometheusRegistry registry) {
    this.records = new Records(prefix, cluster);
    this.store = store;
    this.guard = new ClusterGuard(cluster, log);
    puts = counter(registry, "mesos_health_etcd_puts_total", "Records written.");
    deletes = counter(registry, "mesos_health_etcd_deletes_total", "Records deleted.");
    errors = counter(registry, "mesos_health_etcd_errors_total", "Failed etcd requests.");
    leases = counter(registry, "mesos_health_etcd_lease_grants_total", "Leases granted.");
    GaugeWithCallback.builder()
        .name("mesos_health_etcd_records")
        .help("Records this updater keeps in etcd.")
        .callback(cb -> cb.call(writtenCount()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("mesos_health_etcd_frozen")
        .help("1 while a cluster's collector is suspect and service records are kept as they are.")
        .callback(cb -> cb.call(guard.frozen() ? 1 : 0))
        .register(registry);
  }

  private static Counter counter(PrometheusRegistry registry, String name, String help) {
    return Counter.builder().name(name).help(help).register(registry);
  }

  private synchronized int writtenCount() {
    return written.size();
  }

  /** Takes a batch of health state and endpoint health records. */
  public synchronized void accept(List<TopicFollower.Event> batch) {
    for (TopicFollower.Event e : batch) {
      if (e.topic().equals(Topics.HEALTH_STATES.name())) {
        guard.accept(e.key(), (HealthState) e.value());
        if (e.value() == null) {
          states.remove(e.key());
        } else {
          states.put(e.key(), (HealthState) e.value());
        }
      } else if (e.value() == null) {
        endpoints.remove(e.key());
      } else {
        endpoints.put(e.key(), (EndpointHealth) e.value());
      }
    }
  }

  /** The records the topics justify; while frozen, the service records stay as written. */
  private synchronized SortedMap<String, String> desired() {
    SortedMap<String, String> d = records.desired(states, endpoints.values());
    if (guard.frozen()) {
      d.keySet().removeIf(records::isService);
      written.forEach(
          (k, v) -> {
            if (records.isService(k)) {
              d.put(k, v);
            }
          });
    }
    return d;
  }

  @Override
  public String name() {
    return store.name();
  }

  /** Brings the store in step: in full against what it holds, or against what was last written. */
  @Override
  public void reconcile(boolean full) throws Exception {
    if (store.prepare()) {
      leases.inc();
      full = true;
    }
    SortedMap<String, String> want = desired();
    Records.Diff diff;
    if (full) {
      RecordStore.Held held = store.read(records.prefix());
      diff = Records.diff(want, held.records(), held.notOurs());
    } else {
      SortedMap<String, String> last;
      synchronized (this) {
        last = written;
      }
      diff = Records.diff(want, last, Set.of());
    }
    if (diff.isEmpty()) {
      return;
    }
    store.write(diff);
    puts.inc(diff.puts().size());
    deletes.inc(diff.deletes().size());
    synchronized (this) {
      written = want;
    }
    log.info(
        "{}: {} record(s) written, {} deleted{}",
        store.name(),
        diff.puts().size(),
        diff.deletes().size(),
        full ? " (full reconcile)" : "");
  }

  @Override
  public void failed(Exception e) {
    errors.inc();
  }
}
