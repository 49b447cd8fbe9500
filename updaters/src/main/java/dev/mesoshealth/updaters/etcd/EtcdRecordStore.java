package dev.mesoshealth.updaters.etcd;

import dev.mesoshealth.service.ConfigException;
import dev.mesoshealth.service.Durations;
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
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * etcd, every record written under a single lease of this instance kept alive while it runs: if the
 * updater dies its records expire after the TTL instead of lying, and a clean stop revokes the
 * lease so they vanish at once. A lost lease is taken again and everything rewritten.
 */
public final class EtcdRecordStore implements RecordStore {
  private static final Logger log = LoggerFactory.getLogger(EtcdRecordStore.class);

  private final String name;
  private final Client client;
  private final KV kv;
  private final Lease lease;
  private final Duration ttl;
  private final Duration timeout;
  private final Runnable onLeaseLost;
  private volatile long leaseId;
  private volatile boolean leaseLost = true;
  private volatile boolean closed;
  private CloseableClient keepAlive;

  /**
   * @param onLeaseLost told when the lease is lost, so that the records are rewritten soon
   */
  public EtcdRecordStore(
      String name, Client client, Duration ttl, Duration timeout, Runnable onLeaseLost) {
    this.name = name;
    this.client = client;
    this.kv = client.getKVClient();
    this.lease = client.getLeaseClient();
    this.ttl = ttl;
    this.timeout = timeout;
    this.onLeaseLost = onLeaseLost;
  }

  /**
   * A client for the configured endpoints, credentials and TLS files (it connects on first use).
   */
  public static Client client(EtcdUpdaterConfig config) {
    ClientBuilder b =
        Client.builder()
            .endpoints(config.endpoints().toArray(URI[]::new))
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
        throw new ConfigException("etcd TLS files cannot be used: " + e.getMessage());
      }
    }
    return b.build();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean prepare() throws ExecutionException, TimeoutException, InterruptedException {
    if (!leaseLost) {
      return false;
    }
    if (keepAlive != null) {
      keepAlive.close();
    }
    long id = await(lease.grant(ttl.toSeconds())).getID();
    leaseId = id;
    leaseLost = false;
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
    log.info("etcd lease {} granted (TTL {})", Long.toHexString(id), Durations.format(ttl));
    return true;
  }

  private void lost(long id, String why) {
    if (!closed && id == leaseId && !leaseLost) {
      leaseLost = true;
      log.warn(
          "etcd lease {} lost ({}); renewing and rewriting every record",
          Long.toHexString(id),
          why);
      onLeaseLost.run();
    }
  }

  @Override
  public Held read(String prefix)
      throws ExecutionException, TimeoutException, InterruptedException {
    Map<String, String> records = new HashMap<>();
    Set<String> notOurs = new HashSet<>();
    for (KeyValue k :
        await(kv.get(bytes(prefix + "/"), GetOption.builder().isPrefix(true).build())).getKvs()) {
      String key = k.getKey().toString(StandardCharsets.UTF_8);
      records.put(key, k.getValue().toString(StandardCharsets.UTF_8));
      if (k.getLease() != leaseId) {
        notOurs.add(key);
      }
    }
    return new Held(records, notOurs);
  }

  @Override
  public void write(Records.Diff diff)
      throws ExecutionException, TimeoutException, InterruptedException {
    PutOption underLease = PutOption.builder().withLeaseId(leaseId).build();
    List<CompletableFuture<?>> pending = new ArrayList<>();
    diff.puts().forEach((k, v) -> pending.add(kv.put(bytes(k), bytes(v), underLease)));
    diff.deletes().forEach(k -> pending.add(kv.delete(bytes(k))));
    await(CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)));
  }

  @Override
  public void close() {
    closed = true; // a keep-alive ended by the close is no lost lease
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
  }

  private <T> T await(CompletableFuture<T> f)
      throws ExecutionException, TimeoutException, InterruptedException {
    return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }
}
