package dev.mesoshealth.collector;

import dev.mesoshealth.collector.core.Leadership;
import dev.mesoshealth.collector.core.PollResult;
import dev.mesoshealth.collector.discovery.MasterDiscovery;
import dev.mesoshealth.collector.http.MesosClient;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which master leads: the one whose snapshot says {@code master/elected} (noted after each master
 * round), else the discovery's hint (ZooKeeper), else the first master whose {@code
 * /master/redirect} names one; a redirect from a master that no longer leads is learned too.
 */
final class LeaderResolver {
  private static final Logger log = LoggerFactory.getLogger(Collector.class);

  private final String cluster;
  private final MasterDiscovery discovery;
  private final MesosClient http;
  private final CollectorMetrics metrics;
  private final AtomicReference<URI> leader = new AtomicReference<>();
  private final AtomicReference<Leadership> leadership =
      new AtomicReference<>(new Leadership(List.of()));

  LeaderResolver(
      String cluster, MasterDiscovery discovery, MesosClient http, CollectorMetrics metrics) {
    this.cluster = cluster;
    this.discovery = discovery;
    this.http = http;
    this.metrics = metrics;
  }

  /** The elected masters in the latest round. */
  Leadership leadership() {
    return leadership.get();
  }

  /** The leader, as well as it is known now. */
  CompletableFuture<Optional<URI>> resolve() {
    Leadership l = leadership.get();
    URI known = leader.get();
    if (known != null && l.leader().isPresent()) {
      return CompletableFuture.completedFuture(Optional.of(known));
    }
    Optional<URI> hint = discovery.leaderHint();
    if (hint.isPresent()) {
      return CompletableFuture.completedFuture(hint);
    }
    return redirect(discovery.masters(), 0);
  }

  private CompletableFuture<Optional<URI>> redirect(List<URI> masters, int i) {
    if (i >= masters.size()) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    URI master = masters.get(i);
    return http.get(master.resolve("/master/redirect"), 64 * 1024)
        .thenCompose(
            r -> {
              if (r instanceof PollResult.Response resp && resp.location() != null) {
                URI lead = locationBase(master, resp.location());
                discovery.learned(lead);
                return CompletableFuture.completedFuture(Optional.of(lead));
              }
              return redirect(masters, i + 1);
            });
  }

  /** A redirect to the leader, relative to the leader known (or the first master): learned. */
  URI redirectedTo(String location) {
    URI base = leader.get();
    return follow(base != null ? base : discovery.masters().get(0), location);
  }

  /** {@code asked} redirected to {@code location}: the leader is there. */
  URI follow(URI asked, String location) {
    URI next = locationBase(asked, location);
    leader.set(next);
    discovery.learned(next);
    return next;
  }

  /** The masters that said they were elected in a round: the leader is the first of them. */
  void note(Leadership now, List<URI> masters) {
    Leadership before = leadership.getAndSet(now);
    metrics.mastersElected.set(now.elected().size());
    Optional<String> lead = now.leader();
    if (lead.isPresent()) {
      URI uri =
          masters.stream()
              .filter(m -> Collector.hostPort(m).equals(lead.get()))
              .findFirst()
              .orElseThrow();
      URI previous = leader.getAndSet(uri);
      if (previous != null && !previous.equals(uri)) {
        metrics.leaderChanges.inc();
        log.info("leader changed from {} to {}", Collector.hostPort(previous), lead.get());
      }
    }
    if (!now.elected().equals(before.elected()) && (now.noLeader() || now.splitBrain())) {
      log.warn("{}: {}", cluster, now.describe());
    }
  }

  /** Mesos redirects to "//host:port[/path]": keep the scheme of the master asked. */
  static URI locationBase(URI asked, String location) {
    URI loc = asked.resolve(location);
    return URI.create(
        loc.getScheme() + "://" + loc.getHost() + (loc.getPort() > 0 ? ":" + loc.getPort() : ""));
  }
}
