package dev.mesoshealth.updaters.etcd;

import dev.mesoshealth.events.EndpointHealth;
import dev.mesoshealth.events.HealthState;
import dev.mesoshealth.schemas.topics.Topic;
import dev.mesoshealth.schemas.topics.TopicFollower;
import dev.mesoshealth.schemas.topics.TopicFollower.Start;
import dev.mesoshealth.schemas.topics.Topics;
import dev.mesoshealth.service.AdminServer;
import dev.mesoshealth.service.Durations;
import dev.mesoshealth.service.HttpApi;
import dev.mesoshealth.updaters.ClusterGuard;
import dev.mesoshealth.updaters.Outage;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Lease;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.support.CloseableClient;
import io.grpc.stub.StreamObserver;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps health and service records in etcd, every one under a single lease of this instance kept
 * alive while it runs: if the updater dies its records expire after the TTL instead of lying, and a
 * clean stop revokes the lease so they vanish at once. It follows mesos.health.states and
 * mesos.endpoints.health; once caught up it reconciles everything under the prefix (deleting what
 * the topics no longer justify), then writes each change, and reconciles again periodically and
 * whenever the lease had to be renewed. While a cluster's collector is suspect, service records
 * stay as they are (health records keep following). etcd being away is retried with backoff and
 * logged once per outage.
 */
public final class EtcdUpdater implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EtcdUpdater.class);
  private static final Duration SETTLE = Duration.ofMillis(200);

  private final EtcdUpdaterConfig config;
  private final Clock clock;
  private final Records records;
  private final ClusterGuard guard;
  private final Map<String, HealthState> states = new HashMap<>();
  private final Map<String, EndpointHealth> endpoints = new HashMap<>();
  private final TopicFollower follower;
  private final Client client;
  private final KV kv;
  private final Lease lease;
  private final Outage outage;
  private final BlockingQueue<Object> changes = new LinkedBlockingQueue<>();
  private final Thread writer;
  private final AdminServer admin;
  private final Counter puts;
  private final Counter deletes;
  private final Counter errors;
  private final Counter leases;
  private volatile boolean running = true;
  private volatile long leaseId;
  private volatile boolean leaseLost = true;
  private volatile boolean synced;
  private CloseableClient keepAlive;
  private SortedMap<String, String> written = new TreeMap<>();

  private EtcdUpdater(EtcdUpdaterConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
    this.records = new Records(config.prefix(), config.cluster());
    this.guard = new ClusterGuard(config.cluster(), log);
    this.client = client(config);
    this.kv = client.getKVClient();
    this.lease = client.getLeaseClient();
    this.outage = new Outage("etcd " + config.endpoints(), log, Duration.ofSeconds(30));
    Map<Topic<String, ?>, Start> follow = new LinkedHashMap<>();
    follow.put(Topics.HEALTH_STATES, Start.beginning());
    follow.put(Topics.ENDPOINT_HEALTH, Start.beginning());
    this.follower =
        new TopicFollower("etcd-updater-feed", config.kafka(), follow, this::accept, clock);

    PrometheusRegistry registry = new PrometheusRegistry();
    JvmMetrics.builder().register(registry);
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
    this.admin =
        AdminServer.start(
            config.adminHost(),
            config.adminPort(),
            new HttpApi(),
            null,
            () -> synced && !outage.ongoing(),
            registry,
            2);
    this.writer = new Thread(this::writeLoop, "etcd-updater");
    this.writer.setDaemon(true);
  }

  public static EtcdUpdater start(EtcdUpdaterConfig config) {
    EtcdUpdater u = new EtcdUpdater(config, Clock.systemUTC());
    u.follower.start();
    u.writer.start();
    log.info(
        "etcd-updater keeping {} in step with health (lease TTL {}); metrics at {}/metrics",
        config.prefix(),
        Durations.format(config.leaseTtl()),
        u.admin.url());
    return u;
  }

  public String adminUrl() {
    return admin.url();
  }

  private static Counter counter(PrometheusRegistry registry, String name, String help) {
    return Counter.builder().name(name).help(help).register(registry);
  }

  private static Client client(EtcdUpdaterConfig config) {
    ClientBuilder b =
        Client.builder()
            .endpoints(config.endpoints().toArray(java.net.URI[]::new))
            .connectTimeout(config.timeout());
    if (!config.username().isEmpty()) {
      b.user(bytes(config.username())).password(bytes(config.password()));
    }
    if (config.caFile() != null || config.certFile() != null) {
      try {
        b.sslContext(
            ssl -> {
              if (config.caFile() != null) {
                ssl.trustManager(config.caFile().toFile());
              }
              if (config.certFile() != null) {
                ssl.keyManager(config.certFile().toFile(), config.keyFile().toFile());
              }
            });
      } catch (SSLException e) {
        throw new dev.mesoshealth.service.ConfigException(
            "etcd TLS files cannot be used: " + e.getMessage());
      }
    }
    return b.build();
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  private synchronized int writtenCount() {
    return written.size();
  }

  private void accept(List<TopicFollower.Event> batch) {
    synchronized (this) {
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
    changes.offer(Boolean.TRUE);
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

  private void writeLoop() {
    long nextFull = 0;
    while (running) {
      try {
        long wakeAt = outage.ongoing() ? outage.nextAttempt() : nextFull;
        if (changes.poll(Math.max(0, wakeAt - clock.millis()), TimeUnit.MILLISECONDS) != null) {
          changes.poll(SETTLE.toMillis(), TimeUnit.MILLISECONDS);
          changes.clear();
        }
      } catch (InterruptedException e) {
        return;
      }
      long now = clock.millis();
      if (!running || !follower.caughtUp() || !outage.due(now)) {
        continue; // never reconcile from half the picture: it would delete records that are fine
      }
      boolean full = !synced || leaseLost || now >= nextFull;
      try {
        if (leaseLost) {
          grantLease();
        }
        sync(full);
        if (full) {
          nextFull = now + config.reconcileInterval().toMillis();
        }
        synced = true;
        outage.succeeded(clock.millis());
      } catch (ExecutionException | TimeoutException | RuntimeException e) {
        errors.inc();
        synced = false; // reconcile in full once etcd is back
        outage.failed(
            clock.millis(), e instanceof ExecutionException ? (Exception) e.getCause() : e);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void grantLease() throws ExecutionException, TimeoutException, InterruptedException {
    if (keepAlive != null) {
      keepAlive.close();
    }
    long id = await(lease.grant(config.leaseTtl().toSeconds())).getID();
    leaseId = id;
    leaseLost = false;
    leases.inc();
    keepAlive =
        lease.keepAlive(
            id,
            new StreamObserver<>() {
              @Override
              public void onNext(LeaseKeepAliveResponse r) {
                if (r.getTTL() <= 0) {
                  lost(id, "expired");
                }
              }

              @Override
              public void onError(Throwable t) {
                lost(id, t.getMessage());
              }

              @Override
              public void onCompleted() {
                lost(id, "keep-alive ended");
              }
            });
    log.info(
        "etcd lease {} granted (TTL {})",
        Long.toHexString(id),
        Durations.format(config.leaseTtl()));
  }

  private void lost(long id, String why) {
    if (running && id == leaseId && !leaseLost) {
      leaseLost = true;
      log.warn(
          "etcd lease {} lost ({}); renewing and rewriting every record",
          Long.toHexString(id),
          why);
      changes.offer(Boolean.TRUE);
    }
  }

  /** Brings etcd in step: in full against what it holds, or against what was last written. */
  private void sync(boolean full)
      throws ExecutionException, TimeoutException, InterruptedException {
    SortedMap<String, String> want = desired();
    Records.Diff diff;
    if (full) {
      Map<String, String> current = new HashMap<>();
      Set<String> notOurs = new HashSet<>();
      for (KeyValue k :
          await(kv.get(bytes(records.prefix() + "/"), GetOption.builder().isPrefix(true).build()))
              .getKvs()) {
        String key = k.getKey().toString(StandardCharsets.UTF_8);
        current.put(key, k.getValue().toString(StandardCharsets.UTF_8));
        if (k.getLease() != leaseId) {
          notOurs.add(key);
        }
      }
      diff = Records.diff(want, current, notOurs);
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
    PutOption underLease = PutOption.builder().withLeaseId(leaseId).build();
    List<CompletableFuture<?>> pending = new ArrayList<>();
    diff.puts().forEach((k, v) -> pending.add(kv.put(bytes(k), bytes(v), underLease)));
    diff.deletes().forEach(k -> pending.add(kv.delete(bytes(k))));
    await(CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)));
    puts.inc(diff.puts().size());
    deletes.inc(diff.deletes().size());
    synchronized (this) {
      written = want;
    }
    log.info(
        "etcd: {} record(s) written, {} deleted{}",
        diff.puts().size(),
        diff.deletes().size(),
        full ? " (full reconcile)" : "");
  }

  private <T> T await(CompletableFuture<T> f)
      throws ExecutionException, TimeoutException, InterruptedException {
    return f.get(config.timeout().toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Stops; the lease is revoked so the records vanish now rather than after the TTL. */
  @Override
  public void close() {
    running = false;
    writer.interrupt();
    try {
      writer.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    follower.close();
    if (keepAlive != null) {
      keepAlive.close();
    }
    if (leaseId != 0) {
      try {
        await(lease.revoke(leaseId));
      } catch (ExecutionException | TimeoutException e) {
        log.warn("could not revoke the etcd lease; its records expire after the TTL");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    client.close();
    admin.close();
  }
}
