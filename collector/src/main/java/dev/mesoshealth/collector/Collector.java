package dev.mesoshealth.collector;

import dev.mesoshealth.collector.core.AgentShare;
import dev.mesoshealth.collector.core.InvalidResponseException;
import dev.mesoshealth.collector.core.InventoryTracker;
import dev.mesoshealth.collector.core.KeyBaseline;
import dev.mesoshealth.collector.core.Leadership;
import dev.mesoshealth.collector.core.MaintenanceParser;
import dev.mesoshealth.collector.core.OperatorEvents;
import dev.mesoshealth.collector.core.PollResult;
import dev.mesoshealth.collector.core.SlavesParser;
import dev.mesoshealth.collector.core.SnapshotAssembler;
import dev.mesoshealth.collector.core.UnlistedAgents;
import dev.mesoshealth.collector.discovery.MasterDiscovery;
import dev.mesoshealth.collector.http.MesosClient;
import dev.mesoshealth.collector.publish.EventSink;
import dev.mesoshealth.events.AgentInventory;
import dev.mesoshealth.events.CollectorRef;
import dev.mesoshealth.events.MetricSnapshot;
import dev.mesoshealth.events.NodeRef;
import dev.mesoshealth.events.NodeRole;
import dev.mesoshealth.events.Outcome;
import dev.mesoshealth.schemas.metrics.MetricCatalogue;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The collector's loops: every poll interval all masters' {@code /metrics/snapshot} (the master
 * reporting {@code master/elected} 1 leads), every inventory interval the leader's {@code
 * /master/slaves} (one event per agent, tombstones for agents that left) and Marathon's tasks, and
 * every agent's snapshot at its own slot in the interval. Each poll becomes exactly one event,
 * failures included. Nothing here throws for a bad server; problems are outcomes and log lines (one
 * per outage, not one per poll).
 */
public final class Collector implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Collector.class);

  private final CollectorConfig config;
  private final MesosClient http;
  private final MasterDiscovery discovery;
  private final EventSink sink;
  private final Clock clock;
  private final CollectorMetrics metrics;
  private final AgentShare share;
  private final SnapshotAssembler assembler = new SnapshotAssembler(MetricCatalogue.standard());
  private final Map<String, KeyBaseline> baselines = new ConcurrentHashMap<>();
  private final Map<URI, String> masterVersions = new ConcurrentHashMap<>();
  private final Map<String, AgentTarget> agents = new ConcurrentHashMap<>();
  private final Set<String> failingAgents = ConcurrentHashMap.newKeySet();
  private final LeaderResolver leader;
  private final InventoryTracker agentInventory = new InventoryTracker();
  private final UnlistedAgents unlisted;
  private final Outages outages = new Outages();
  private final MarathonRound marathon;
  private final MaintenanceReader maintenance;
  private final PollScheduler scheduler;
  private final Confirmations confirmations;
  private final ScheduledExecutorService rounds;
  private final AtomicInteger snapshotPollsInFlight = new AtomicInteger();
  private final java.util.concurrent.atomic.AtomicBoolean inventoryRequested =
      new java.util.concurrent.atomic.AtomicBoolean();
  private final java.util.concurrent.atomic.AtomicBoolean shareChanged =
      new java.util.concurrent.atomic.AtomicBoolean();
  private final java.util.concurrent.atomic.AtomicBoolean pollingMasters =
      new java.util.concurrent.atomic.AtomicBoolean();
  private OperatorStream operatorStream;
  private volatile long lastInventoryRound = System.nanoTime();

  /** Where and how to poll one agent. */
  record AgentTarget(String id, String hostname, String address, URI snapshotUrl, String version) {}

  public Collector(
      CollectorConfig config,
      MesosClient http,
      MasterDiscovery discovery,
      EventSink sink,
      Clock clock,
      CollectorMetrics metrics) {
    this(config, http, discovery, sink, clock, metrics, config.sharing().fixed());
  }

  /**
   * @param share which agents to poll: a fixed shard, or a {@link ShardGroup}
   */
  public Collector(
      CollectorConfig config,
      MesosClient http,
      MasterDiscovery discovery,
      EventSink sink,
      Clock clock,
      CollectorMetrics metrics,
      AgentShare share) {
    this.config = config;
    this.share = share;
    this.unlisted = new UnlistedAgents(config.unlistedRetention());
    this.http = http;
    this.discovery = discovery;
    this.sink = sink;
    this.clock = clock;
    this.metrics = metrics;
    this.leader = new LeaderResolver(config.cluster(), discovery, http, metrics);
    this.marathon = new MarathonRound(config, http, sink, clock, metrics, outages);
    this.maintenance = new MaintenanceReader(http, config.http().maxInventoryBytes(), outages);
    this.scheduler =
        new PollScheduler(
            config.pollInterval(), config.http().maxConcurrency(), this::pollAgent, metrics);
    this.rounds =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "collector-rounds");
              t.setDaemon(true);
              return t;
            });
    this.confirmations =
        new Confirmations(
            config.confirm().after(),
            config.http().agentTimeout(),
            config.confirm().maxPerSecond(),
            this::pollAgent,
            (task, nanos) -> {
              try {
                rounds.schedule(task, nanos, TimeUnit.NANOSECONDS);
              } catch (java.util.concurrent.RejectedExecutionException e) {
                // stopping
              }
            },
            System::nanoTime,
            new Confirmations.Counted() {
              @Override
              public void started() {
                metrics.confirmations.labelValues("started").inc();
              }

              @Override
              public void skipped() {
                metrics.confirmations.labelValues("skipped").inc();
              }
            });
  }

  /**
   * The agents this cluster's collectors last published (before {@link #start}): one the master
   * stopped listing before this collector started is still polled until its retention ends.
   */
  public void recall(java.util.Collection<AgentInventory> published) {
    unlisted.recall(published);
  }

  /** Starts polling on schedule. */
  public void start() {
    discovery.start();
    long poll = config.pollInterval().toMillis();
    long inventory = config.inventoryInterval().toMillis();
    rounds.scheduleAtFixedRate(
        ifPollingMasters("master round", this::masterRound), 0, poll, TimeUnit.MILLISECONDS);
    if (!config.mesos().marathon().isEmpty()) {
      rounds.scheduleAtFixedRate(
          ifPollingMasters("Marathon round", this::marathonRound),
          0,
          inventory,
          TimeUnit.MILLISECONDS);
    }
    rounds.scheduleAtFixedRate(
        () -> guard("inventory round", this::inventoryRound), 0, inventory, TimeUnit.MILLISECONDS);
    scheduler.start();
    if (config.mesos().operatorApi()) {
      operatorStream =
          new OperatorStream(
              http,
              leader::resolve,
              leader::redirectedTo,
              config.pollInterval(),
              new OperatorStream.Listener() {
                @Override
                public void subscribed(OperatorEvents.Subscribed state) {
                  // a (new) leader's stream: after a failover its recovered agents answer "not
                  // registered" until they re-register, so its /master/slaves is read now, not
                  // up to an interval later, for the processor to know they are re-registering
                  inventoryRoundNow();
                }

                @Override
                public void agentAdded(String agentId) {
                  requestInventoryRound();
                }

                @Override
                public void agentRemoved(String agentId) {
                  removedByMaster(agentId);
                }
              });
      operatorStream.start();
    }
  }

  /**
   * A round of the masters' collector, asked each time whether this is it: with shard=kafka the
   * collector holding slot 0 is, and that moves.
   */
  private Runnable ifPollingMasters(
      String what, java.util.function.Supplier<CompletableFuture<?>> round) {
    return () -> {
      if (share.pollsMasters()) {
        guard(what, round);
      }
    };
  }

  /**
   * An inventory round soon: at once if none ran in the last poll interval, else when that interval
   * is over; one for any number of requests meanwhile. An added agent is polled within an interval,
   * and the thousand AGENT_ADDED events of a failover's re-registrations cost no more
   * /master/slaves reads than one a poll interval.
   */
  private void requestInventoryRound() {
    if (!inventoryRequested.getAndSet(true)) {
      long wait =
          Math.max(0, lastInventoryRound + config.pollInterval().toNanos() - System.nanoTime());
      try {
        rounds.schedule(
            () -> {
              inventoryRequested.set(false);
              guard("inventory round", this::inventoryRound);
            },
            wait,
            TimeUnit.NANOSECONDS);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        inventoryRequested.set(false); // closing
      }
    }
  }

  private void inventoryRoundNow() {
    try {
      rounds.execute(() -> guard("inventory round", this::inventoryRound));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closing
    }
  }

  /**
   * The group moved slots to or from this collector: the agents are sorted again from a fresh
   * /master/slaves at once, and those taken over polled within a second (their last poll, by the
   * collector that held them, can be an interval old and more).
   */
  void shareChanged() {
    shareChanged.set(true);
    boolean mastersNow = share.pollsMasters();
    boolean mastersBefore = pollingMasters.getAndSet(mastersNow);
    try {
      rounds.execute(() -> guard("inventory round", this::inventoryRound));
      if (mastersNow && !mastersBefore) {
        // the masters were the collector's that left: poll them now, not at the next tick
        rounds.execute(() -> guard("master round", this::masterRound));
      }
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closing
    }
  }

  /**
   * The leader's event stream says it removed an agent: it is unlisted now, and polled at once, so
   * whether it still answers (cut off from the master) or not (shut down, or lost) is known in
   * milliseconds instead of at the next round.
   */
  private void removedByMaster(String agentId) {
    AgentInventory unlistedNow;
    synchronized (unlisted) { // see applySlaves
      unlistedNow = unlisted.removedNow(agentId, clock.instant());
      if (unlistedNow == null) {
        return;
      }
      if (share.pollsMasters()) {
        sink.agent(agentId, unlistedNow);
      }
    }
    log.info("the leader removed agent {} ({})", agentId, unlistedNow.getHostname());
    failingAgents.remove(agentId);
    if (agents.containsKey(agentId)) {
      pollAgent(agentId);
    }
  }

  private void guard(String what, java.util.function.Supplier<CompletableFuture<?>> round) {
    try {
      round.get().join();
    } catch (RuntimeException e) {
      log.warn("{} failed: {}", what, e.toString());
    }
  }

  /** What one {@link #runOnce()} saw. */
  public record OnceReport(
      int mastersPolled, int mastersAnswered, int agentsPolled, int tasks, Leadership leadership) {}

  /** Polls everything once, now, and waits for the events to be handed over. */
  public OnceReport runOnce() {
    discovery.start();
    RoundResult masters = masterRound().join();
    inventoryRound().join();
    List<CompletableFuture<?>> polls = new ArrayList<>();
    Semaphore permits = new Semaphore(config.http().maxConcurrency());
    for (String id : List.copyOf(agents.keySet())) {
      permits.acquireUninterruptibly();
      polls.add(pollAgent(id).whenComplete((r, e) -> permits.release()));
    }
    CompletableFuture.allOf(polls.toArray(CompletableFuture[]::new)).join();
    int tasks = config.mesos().marathon().isEmpty() ? 0 : marathonRound().join();
    sink.flush();
    return new OnceReport(
        masters.polled, masters.answered, polls.size(), tasks, leader.leadership());
  }

  // ------------------------------------------------------------------ masters

  private record RoundResult(int polled, int answered) {}

  CompletableFuture<RoundResult> masterRound() {
    List<URI> masters = discovery.masters();
    if (masters.isEmpty()) {
      outages.down("masters", "no masters known yet (discovery: " + discovery + ")");
      return CompletableFuture.completedFuture(new RoundResult(0, 0));
    }
    List<String> elected = java.util.Collections.synchronizedList(new ArrayList<>());
    AtomicInteger answered = new AtomicInteger();
    List<CompletableFuture<?>> polls = new ArrayList<>();
    for (URI master : masters) {
      if (!masterVersions.containsKey(master)) {
        polls.add(fetchVersion(master));
      }
      NodeRef node = masterRef(master);
      Instant polledAt = clock.instant();
      polls.add(
          tracked(
              http.get(master.resolve("/metrics/snapshot"), config.http().maxResponseBytes())
                  .thenAccept(
                      result -> {
                        MetricSnapshot s =
                            publish(node, polledAt, result, masterVersions.get(master));
                        if (s.getOutcome() == Outcome.OK || s.getOutcome() == Outcome.PARTIAL) {
                          answered.incrementAndGet();
                        }
                        if (Boolean.TRUE.equals(s.getElected())) {
                          elected.add(hostPort(master));
                        }
                      })));
    }
    return CompletableFuture.allOf(polls.toArray(CompletableFuture[]::new))
        .thenApply(
            v -> {
              List<String> inOrder = new ArrayList<>();
              for (URI m : masters) {
                if (elected.contains(hostPort(m))) {
                  inOrder.add(hostPort(m));
                }
              }
              leader.note(new Leadership(inOrder), masters);
              if (answered.get() > 0) {
                outages.up("masters", "masters answer again");
              } else {
                outages.down("masters", "no master answered /metrics/snapshot");
              }
              return new RoundResult(masters.size(), answered.get());
            });
  }

  private CompletableFuture<Void> fetchVersion(URI master) {
    return http.get(master.resolve("/version"), 64 * 1024)
        .thenAccept(
            r -> {
              if (r instanceof PollResult.Response resp && resp.status() == 200) {
                String body = new String(resp.body(), StandardCharsets.UTF_8);
                java.util.regex.Matcher m =
                    java.util.regex.Pattern.compile("\"version\"\\s*:\\s*\"([^\"]+)\"")
                        .matcher(body);
                if (m.find()) {
                  masterVersions.put(master, m.group(1));
                }
              }
            });
  }

  // ------------------------------------------------------------------ inventory

  CompletableFuture<?> inventoryRound() {
    lastInventoryRound = System.nanoTime();
    return leader
        .resolve()
        .thenCompose(
            lead -> {
              if (lead.isEmpty()) {
                metrics.inventoryFetches.labelValues("mesos", "no_leader").inc();
                outages.down("inventory", "no leader to read /master/slaves from");
                return CompletableFuture.completedFuture(null);
              }
              Instant observedAt = clock.instant();
              CompletableFuture<MaintenanceParser.Schedule> schedule =
                  share.pollsMasters()
                      ? maintenance.read(lead.get())
                      : CompletableFuture.completedFuture(MaintenanceParser.NONE);
              return fetchSlaves(lead.get(), true)
                  .thenCombine(
                      schedule,
                      (body, maintenance) -> {
                        body.ifPresent(b -> applySlaves(b, observedAt, maintenance));
                        return null;
                      });
            });
  }

  private CompletableFuture<Optional<byte[]>> fetchSlaves(URI lead, boolean followRedirect) {
    return http.get(lead.resolve("/master/slaves"), config.http().maxInventoryBytes())
        .thenCompose(
            r -> {
              if (r instanceof PollResult.Response resp && resp.status() == 200) {
                return CompletableFuture.completedFuture(Optional.of(resp.body()));
              }
              if (r instanceof PollResult.Response resp
                  && resp.location() != null
                  && followRedirect) {
                URI next = leader.follow(lead, resp.location());
                log.info(
                    "{} is not the leader; following its redirect to {}",
                    hostPort(lead),
                    hostPort(next));
                return fetchSlaves(next, false);
              }
              String why =
                  r instanceof PollResult.Failure f
                      ? f.outcome() + (f.error() == null ? "" : ": " + f.error())
                      : "HTTP " + ((PollResult.Response) r).status();
              metrics.inventoryFetches.labelValues("mesos", "failed").inc();
              outages.down(
                  "inventory", "cannot read " + lead.resolve("/master/slaves") + ": " + why);
              return CompletableFuture.completedFuture(Optional.empty());
            });
  }

  private void applySlaves(
      byte[] body, Instant observedAt, MaintenanceParser.Schedule maintenance) {
    SlavesParser.ParsedSlaves parsed;
    try {
      parsed = SlavesParser.parse(body, config.cluster(), observedAt);
    } catch (InvalidResponseException e) {
      metrics.inventoryFetches.labelValues("mesos", "invalid").inc();
      outages.down("inventory", "/master/slaves is invalid: " + e.getMessage());
      return;
    }
    metrics.inventoryFetches.labelValues("mesos", "ok").inc();
    outages.up("inventory", "/master/slaves readable again");
    if (!parsed.skipped().isEmpty()) {
      log.warn(
          "/master/slaves: skipped {} entries: {}",
          parsed.skipped().size(),
          parsed.skipped().get(0));
    }
    // under the lock an AGENT_REMOVED takes too: a removal from the leader's stream lands wholly
    // before this round's entries or wholly after them, never between its publish and its update
    synchronized (unlisted) {
      publishRound(parsed, observedAt, maintenance);
    }
  }

  private void publishRound(
      SlavesParser.ParsedSlaves parsed,
      Instant observedAt,
      MaintenanceParser.Schedule maintenance) {
    Set<String> recoveredIds = new HashSet<>();
    parsed.recovered().forEach(a -> recoveredIds.add(a.getAgentId()));
    List<AgentInventory> unlistedNow = unlisted.update(parsed.agents(), recoveredIds, observedAt);
    Set<String> ids = new HashSet<>();
    Map<String, AgentTarget> mine = new ConcurrentHashMap<>();
    for (AgentInventory a : parsed.agents()) {
      if (unlisted.contains(a.getAgentId())) {
        continue; // the leader removed it after this round's read began: it is among the unlisted
      }
      ids.add(a.getAgentId());
      if (share.pollsMasters()) {
        sink.agent(a.getAgentId(), MaintenanceReader.mark(a, maintenance));
      }
      if (share.accepts(a.getAgentId()) && a.getAddress() != null) {
        mine.put(a.getAgentId(), target(a));
      }
    }
    // agents a new leader knows only from its registry: still in the cluster, still polled where
    // they were (their entry has no pid), never a tombstone until the master drops them
    for (AgentInventory a : parsed.recovered()) {
      ids.add(a.getAgentId());
      AgentTarget known = agents.get(a.getAgentId());
      if (known != null) {
        a.setAddress(known.address());
        a.setVersion(known.version());
      }
      if (share.pollsMasters()) {
        sink.agent(a.getAgentId(), MaintenanceReader.mark(a, maintenance));
      }
      if (share.accepts(a.getAgentId()) && a.getAddress() != null) {
        mine.put(a.getAgentId(), known != null ? known : target(a));
      }
    }
    // agents the master stopped listing (unreachable, or shut down): still published and polled,
    // flagged, until their retention ends; their failed polls say nothing about our own reach
    for (AgentInventory a : unlistedNow) {
      ids.add(a.getAgentId());
      if (share.pollsMasters()) {
        sink.agent(a.getAgentId(), MaintenanceReader.mark(a, maintenance));
      }
      // polled by whoever holds its slot now: one taken over from a collector that died was
      // never this one's, but every collector saw it listed and kept its address
      AgentTarget known = agents.get(a.getAgentId());
      if (share.accepts(a.getAgentId()) && (known != null || a.getAddress() != null)) {
        mine.put(a.getAgentId(), known != null ? known : target(a));
        failingAgents.remove(a.getAgentId());
      }
    }
    for (String gone : agentInventory.update(ids)) {
      if (share.pollsMasters()) {
        sink.agent(gone, null);
      }
    }
    agents.putAll(mine);
    agents.keySet().retainAll(mine.keySet());
    failingAgents.retainAll(mine.keySet());
    baselines.keySet().removeIf(id -> !id.startsWith("master:") && !mine.containsKey(id));
    scheduler.setTargets(mine.keySet(), shareChanged.getAndSet(false));
    confirmations.retain(mine.keySet());
    metrics.agentsFailing.set(failingAgents.size());
  }

  // ------------------------------------------------------------------ agents

  private AgentTarget target(AgentInventory a) {
    return new AgentTarget(
        a.getAgentId(),
        a.getHostname(),
        a.getAddress(),
        snapshotUrl(a.getAddress()),
        a.getVersion());
  }

  /**
   * An agent's snapshot, asked to come within half the agent deadline with whatever metrics the
   * agent has by then (Mesos' {@code timeout} parameter), so a busy agent answers and only a hung
   * one misses the deadline.
   */
  private URI snapshotUrl(String address) {
    return URI.create(
        config.mesos().scheme()
            + "://"
            + address
            + "/metrics/snapshot?timeout="
            + config.http().agentTimeout().dividedBy(2).toMillis()
            + "ms");
  }

  CompletableFuture<?> pollAgent(String id) {
    AgentTarget target = agents.get(id);
    if (target == null) {
      return CompletableFuture.completedFuture(null);
    }
    NodeRef node =
        new NodeRef(config.cluster(), NodeRole.AGENT, id, target.hostname(), target.address());
    Instant polledAt = clock.instant();
    CompletableFuture<Boolean> confirmable = new CompletableFuture<>();
    confirmations.watch(id, System.nanoTime(), confirmable);
    return tracked(
        http.get(
                target.snapshotUrl(),
                config.http().maxResponseBytes(),
                config.http().agentTimeout())
            .thenAccept(
                result -> {
                  boolean failed =
                      result instanceof PollResult.Failure f
                          && (f.outcome() == Outcome.UNREACHABLE
                              || f.outcome() == Outcome.TIMEOUT
                              || f.outcome() == Outcome.HTTP_ERROR);
                  boolean failing = failed && !unlisted.contains(id);
                  if (failing) {
                    failingAgents.add(id);
                  } else {
                    failingAgents.remove(id);
                  }
                  metrics.agentsFailing.set(failingAgents.size());
                  publish(node, polledAt, result, target.version());
                  confirmable.complete(failing);
                })
            .whenComplete((r, e) -> confirmable.complete(false)));
  }

  private MetricSnapshot publish(
      NodeRef node, Instant polledAt, PollResult result, String version) {
    CollectorRef ref =
        new CollectorRef(
            config.collectorId(),
            share.toString(),
            agents.size() - unlisted.size(),
            failingAgents.size(),
            share.pollsMasters() ? discovery.masters().size() : 0);
    SnapshotAssembler.Assembly a =
        assembler.assemble(
            node,
            polledAt,
            result,
            baselines.getOrDefault(node.getId(), KeyBaseline.EMPTY),
            ref,
            version);
    baselines.put(node.getId(), a.baseline());
    MetricSnapshot s = a.snapshot();
    String role = node.getRole() == NodeRole.MASTER ? "master" : "agent";
    metrics.polls.labelValues(role, s.getOutcome().name()).inc();
    metrics.pollSeconds.labelValues(role).observe(result.took().toNanos() / 1e9);
    if (s.getError() != null && s.getError().contains("non-numeric")) {
      metrics.nonNumericValues.inc();
    }
    sink.snapshot(s);
    return s;
  }

  // ------------------------------------------------------------------ Marathon

  CompletableFuture<Integer> marathonRound() {
    return marathon.run();
  }

  // ------------------------------------------------------------------ helpers

  private NodeRef masterRef(URI master) {
    return new NodeRef(
        config.cluster(),
        NodeRole.MASTER,
        "master:" + hostPort(master),
        master.getHost(),
        hostPort(master));
  }

  static String hostPort(URI uri) {
    int port = uri.getPort() > 0 ? uri.getPort() : uri.getScheme().equals("https") ? 443 : 80;
    return uri.getHost() + ":" + port;
  }

  /** Agents this collector polls now. */
  public int agentsTracked() {
    return agents.size();
  }

  /** The masters discovery knows now, the one it takes for the leader first. */
  public List<URI> knownMasters() {
    return discovery.masters();
  }

  /** The elected masters in the latest round. */
  public Leadership leadership() {
    return leader.leadership();
  }

  @Override
  public void close() {
    if (operatorStream != null) {
      operatorStream.close();
    }
    rounds.shutdownNow();
    scheduler.close();
    discovery.close();
  }

  /**
   * Waits until every snapshot poll already started has been published (after {@link #close}, so a
   * stop loses no poll it made); false if some are still running after the timeout.
   */
  public boolean awaitSnapshotPolls(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (snapshotPollsInFlight) {
      while (snapshotPollsInFlight.get() > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        snapshotPollsInFlight.wait(Math.max(1, left / 1_000_000));
      }
    }
    return true;
  }

  /** Counts a snapshot poll in flight until the whole chain, publishing included, is done. */
  private <T> CompletableFuture<T> tracked(CompletableFuture<T> pollAndPublish) {
    snapshotPollsInFlight.incrementAndGet();
    return pollAndPublish.whenComplete(
        (r, e) -> {
          synchronized (snapshotPollsInFlight) {
            if (snapshotPollsInFlight.decrementAndGet() == 0) {
              snapshotPollsInFlight.notifyAll();
            }
          }
        });
  }
}
