package dev.mesoshealth.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.mesoshealth.broker.EmbeddedKafkaBroker;
import dev.mesoshealth.events.HealthStatus;
import dev.mesoshealth.schemas.topics.Topics;
import dev.mesoshealth.service.Durations;
import dev.mesoshealth.sim.MesosSimulator;
import dev.mesoshealth.sim.PipelineFlags;
import dev.mesoshealth.sim.SimConfig;
import dev.mesoshealth.sim.cluster.FaultKind;
import dev.mesoshealth.sim.cluster.FaultSpec;
import dev.mesoshealth.sim.cluster.SimAgent;
import dev.mesoshealth.testkit.Offsets;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.TopicPartition;

/**
 * The pipeline as production runs it, each service in a JVM of its own: collectors sharing the
 * agents through their Kafka group ({@code shard=kafka}) and processors sharing the partitions,
 * against one broker and a simulated cluster (both in this JVM). After a warm-up (every agent
 * HEALTHY) it measures a window (CPU per component, snapshots per second, detection of DOWN
 * agents), then kills the collector that polls the masters with SIGKILL and measures how soon the
 * survivors poll all it polled and whether any node turned bad meanwhile, then starts one more
 * collector and sees the work spread, then stops everything and counts what was lost.
 */
public final class ScaleOutBench {
  private static final String CLUSTER = "bench";
  private static final String APPLICATION_ID = "bench-scale-out";
  private static final Set<HealthStatus> ALARMS =
      Set.of(HealthStatus.UNKNOWN, HealthStatus.UNREACHABLE, HealthStatus.UNHEALTHY);

  /**
   * What to run. {@code partitions}: the pipeline's topics' ({@link Topics#PARTITIONS} as in
   * production; the build's drill takes fewer, as every IT does).
   */
  public record Options(
      int agents,
      int partitions,
      int collectors,
      int processors,
      Duration pollInterval,
      Duration sessionTimeout,
      Duration duration,
      Duration faultEvery,
      List<String> jvmArgs,
      long seed) {}

  /** The SIGKILL of the collector that polled the masters. */
  public record Takeover(
      String killed,
      int itsNodes,
      int repolled,
      Duration lastRepolledAfter,
      Duration mastersRepolledAfter,
      List<String> alarms) {}

  /** What one run measured. */
  public record Result(
      Options options,
      double windowSeconds,
      double snapshotsPerSecond,
      Map<String, Double> cores,
      int faults,
      int detected,
      long detectionP50Ms,
      long detectionP99Ms,
      Takeover takeover,
      Map<String, Integer> agentsAfterJoin,
      Map<String, long[]> madeAndOnTopic,
      long onTopic,
      long evaluated) {

    /** Every collector stopped in order delivered every poll, and the processors took them all. */
    public boolean lossless() {
      return madeAndOnTopic.values().stream().allMatch(m -> m[0] == m[1]) && evaluated == onTopic;
    }

    /** The bound the takeover must keep: the session timeout plus one poll interval. */
    public Duration takeoverBound() {
      return options.sessionTimeout().plus(options.pollInterval());
    }

    public String markdown() {
      StringBuilder out = new StringBuilder();
      out.append(
          String.format(
              "| agents | collectors | processors | poll interval | measured | snapshots/s |"
                  + " faults detected | detection p50 / p99 |%n"
                  + "|---:|---:|---:|---:|---:|---:|---:|---:|%n"
                  + "| %,d | %d | %d | %s | %.0f s | %.0f | %d of %d | %,d ms / %,d ms |%n%n",
              options.agents(),
              options.collectors(),
              options.processors(),
              Durations.format(options.pollInterval()),
              windowSeconds,
              snapshotsPerSecond,
              detected,
              faults,
              detectionP50Ms,
              detectionP99Ms));
      out.append("| component | CPU (cores) | per 1,000 agents |\n|---|---:|---:|\n");
      cores.forEach(
          (component, c) ->
              out.append(
                  String.format(
                      "| %s | %.3f | %.4f |%n", component, c, c * 1000.0 / options.agents())));
      out.append(
          String.format(
              "%n| collector killed (SIGKILL) | its nodes | polled again by the others |"
                  + " the last after | bound (session + interval) | masters polled again after |"
                  + " nodes UNKNOWN, UNREACHABLE or UNHEALTHY since |%n"
                  + "|---|---:|---:|---:|---:|---:|---|%n"
                  + "| %s | %,d | %,d | %.1f s | %s | %.1f s | %s |%n%n",
              takeover.killed(),
              takeover.itsNodes(),
              takeover.repolled(),
              takeover.lastRepolledAfter().toMillis() / 1000.0,
              Durations.format(takeoverBound()),
              takeover.mastersRepolledAfter().toMillis() / 1000.0,
              takeover.alarms().isEmpty() ? "none" : String.join(", ", takeover.alarms())));
      out.append("| collector | agents after one joined | polls made | on the topic |\n");
      out.append("|---|---:|---:|---:|\n");
      agentsAfterJoin.forEach(
          (c, n) -> {
            long[] m = madeAndOnTopic.getOrDefault(c, new long[] {-1, -1});
            out.append(String.format("| %s | %,d | %,d | %,d |%n", c, n, m[0], m[1]));
          });
      out.append(
          String.format(
              "%nOn the topic %,d, evaluated %,d: %s.%n",
              onTopic, evaluated, lossless() ? "nothing lost" : "LOSS"));
      return out.toString();
    }
  }

  private final Options o;
  private final Path work;

  public ScaleOutBench(Options options) throws IOException {
    this.o = options;
    this.work = Files.createTempDirectory("mesos-health-scale-out-");
  }

  public Result run() throws Exception {
    List<ServiceJvm> collectors = new ArrayList<>();
    List<ServiceJvm> processors = new ArrayList<>();
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startTemporary();
        MesosSimulator sim =
            MesosSimulator.start(
                SimConfig.forTests(3, o.agents(), o.seed())
                    .withCluster(CLUSTER)
                    .withSharedAgentSocket(true))) {
      String bootstrap = broker.bootstrapServers();
      broker.createTopics(Topics.all(), o.partitions());
      PipelineFlags.Pace pace = PipelineFlags.Pace.of(o.pollInterval());
      for (int i = 0; i < o.processors(); i++) {
        processors.add(
            ServiceJvm.start(
                "processor-" + i,
                "processor",
                PipelineFlags.processor(
                    APPLICATION_ID,
                    bootstrap,
                    pace,
                    o.partitions(),
                    Files.createDirectories(work.resolve("processor-" + i))),
                o.jvmArgs(),
                work));
      }
      for (int i = 0; i < o.collectors(); i++) {
        collectors.add(startCollector("collector-" + i, sim, bootstrap, pace));
      }
      for (ServiceJvm s : processors) {
        s.awaitUrl(Duration.ofMinutes(2));
      }
      String api = processors.get(0).awaitUrl(Duration.ZERO);
      try (SnapshotWatch snapshots = new SnapshotWatch(bootstrap);
          TransitionWatch transitions = new TransitionWatch(bootstrap)) {
        log("warming up: waiting for every agent to be HEALTHY");
        E2eBench.awaitHealthy(
            api, o.agents(), Duration.ofMinutes(3).plus(o.pollInterval().multipliedBy(10)));

        // 1. the window: CPU per process, throughput, detection
        Map<String, Duration> cpu0 = cpu(collectors, processors);
        long bench0 = benchCpuNanos();
        long onTopic0 = published(snapshots);
        long t0 = System.nanoTime();
        List<Fault> faults = injectFaults(sim, o.duration());
        double seconds = (System.nanoTime() - t0) / 1e9;
        Map<String, Double> cores = cores(cpu0, cpu(collectors, processors), bench0, seconds);
        double perSecond = (published(snapshots) - onTopic0) / seconds;
        List<Long> latencies = detect(transitions, faults);

        // 2. SIGKILL the collector polling the masters; the others must take over its share
        Kill kill = kill(collectors, snapshots);
        Map<String, Instant> repolled = awaitRepolled(kill, snapshots);

        // 3. one more collector joins (while the verdict on the kill is awaited: no alarm may come
        // of the join either), and the group spreads the agents over all
        collectors.add(startCollector("collector-" + o.collectors(), sim, bootstrap, pace));
        Takeover takeover = verdict(kill, repolled, transitions, faults);
        Map<String, Integer> shares = awaitSpread(collectors);

        // 4. stop in order and count
        Map<String, long[]> made = new LinkedHashMap<>();
        Map<String, Long> stoppedAt = new LinkedHashMap<>();
        for (ServiceJvm c : collectors) {
          if (shares.containsKey(c.name())) {
            stoppedAt.put(c.name(), c.stop(Duration.ofSeconds(60)));
          }
        }
        long onTopic;
        long evaluated;
        try (Admin admin =
            Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
          Map<TopicPartition, Long> ends = Offsets.end(admin, Topics.METRIC_SNAPSHOTS.name());
          onTopic = ends.values().stream().mapToLong(Long::longValue).sum();
          long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
          while ((evaluated = committed(admin)) < onTopic || !snapshots.caughtUp(ends)) {
            if (System.nanoTime() > deadline) {
              break;
            }
            TimeUnit.MILLISECONDS.sleep(200); // polling offsets until everything is read
          }
        }
        Map<String, Long> published = snapshots.published();
        stoppedAt.forEach((c, n) -> made.put(c, new long[] {n, published.getOrDefault(c, 0L)}));
        return new Result(
            o,
            seconds,
            perSecond,
            cores,
            faults.size(),
            latencies.size(),
            E2eBench.percentile(latencies, 0.50),
            E2eBench.percentile(latencies, 0.99),
            takeover,
            shares,
            made,
            onTopic,
            evaluated);
      }
    } finally {
      for (ServiceJvm s : collectors) {
        s.close();
      }
      for (ServiceJvm s : processors) {
        s.close();
      }
    }
  }

  private ServiceJvm startCollector(
      String name, MesosSimulator sim, String bootstrap, PipelineFlags.Pace pace)
      throws IOException {
    Map<String, String> c = PipelineFlags.collector(CLUSTER, sim, bootstrap, pace, o.partitions());
    c.put("collector.id", name);
    c.put("shard", "kafka");
    c.put("shard.session.timeout", Durations.format(o.sessionTimeout()));
    // The simulated agents share two cores with five service JVMs and the broker: one starved
    // for a second is the machine's fault, not the agent's. This run's faults are DOWN, which
    // fail at once whatever the deadline; a hung agent's deadline is measured by bench e2e.
    c.put("http.agent.timeout", pace.httpTimeout().toMillis() + "ms");
    return ServiceJvm.start(name, "collector", c, o.jvmArgs(), work);
  }

  /** A fault the run injected: the agent it took down, and when. */
  private record Fault(String agent, Instant at) {}

  /** DOWN faults, one every {@code faultEvery} for {@code window}, each on a fresh agent. */
  private List<Fault> injectFaults(MesosSimulator sim, Duration window)
      throws InterruptedException {
    List<Fault> faults = new ArrayList<>();
    List<SimAgent> victims = new ArrayList<>(sim.cluster().agents());
    Collections.shuffle(victims, new Random(o.seed()));
    Iterator<SimAgent> next = victims.iterator();
    long end = System.nanoTime() + window.toNanos();
    log("measuring for " + Durations.format(window));
    while (System.nanoTime() + o.faultEvery().toNanos() <= end && next.hasNext()) {
      TimeUnit.NANOSECONDS.sleep(o.faultEvery().toNanos()); // the faults' pace, not a wait
      SimAgent victim = next.next();
      Instant at = Instant.now();
      sim.inject(
          new FaultSpec(FaultKind.DOWN, victim.id(), Duration.ofDays(1), Map.<String, String>of()));
      faults.add(new Fault(victim.id(), at));
    }
    TimeUnit.NANOSECONDS.sleep(Math.max(0, end - System.nanoTime())); // the rest of the window
    return faults;
  }

  /** Fault start to the UNREACHABLE transition on the topic, for the faults seen so far. */
  private List<Long> detect(TransitionWatch transitions, List<Fault> faults)
      throws InterruptedException {
    if (faults.isEmpty()) {
      return List.of();
    }
    // the last fault needs K intervals to be seen
    TimeUnit.NANOSECONDS.sleep(o.pollInterval().multipliedBy(2).plusSeconds(3).toNanos());
    List<Long> latencies = new ArrayList<>();
    for (Fault f : faults) {
      TransitionWatch.Seen seen =
          transitions.firstAfter(f.agent(), HealthStatus.UNREACHABLE, f.at());
      if (seen != null) {
        latencies.add(Duration.between(f.at(), seen.arrived()).toMillis());
      }
    }
    latencies.sort(Long::compare);
    return latencies;
  }

  /** The collector killed: when, and the nodes it polled last. */
  private record Kill(String victim, Instant at, Set<String> its) {}

  private Kill kill(List<ServiceJvm> collectors, SnapshotWatch snapshots) throws Exception {
    String poller = snapshots.masterPoller();
    ServiceJvm victim =
        collectors.stream().filter(c -> c.name().equals(poller)).findFirst().orElseThrow();
    victim.kill();
    Instant at = Instant.now();
    Set<String> its = snapshots.markKill(victim.name(), at);
    log("killed " + victim.name() + " (SIGKILL), which polled " + its.size() + " nodes");
    return new Kill(victim.name(), at, its);
  }

  /** Waits for the others to poll every node the killed one polled; when each was. */
  private Map<String, Instant> awaitRepolled(Kill kill, SnapshotWatch snapshots)
      throws InterruptedException {
    Duration bound = o.sessionTimeout().plus(o.pollInterval());
    long deadline = System.nanoTime() + bound.plusSeconds(30).toNanos();
    while (!snapshots.repolled().keySet().containsAll(kill.its()) && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(200); // watching the topic for the survivors' polls
    }
    Map<String, Instant> repolled = snapshots.repolled();
    repolled.keySet().retainAll(kill.its());
    log("the others polled " + repolled.size() + " of them again");
    return repolled;
  }

  private Takeover verdict(
      Kill kill, Map<String, Instant> repolled, TransitionWatch transitions, List<Fault> faults)
      throws InterruptedException {
    Duration last =
        repolled.values().stream()
            .map(t -> Duration.between(kill.at(), t))
            .max(Duration::compareTo)
            .orElse(Duration.ZERO);
    Duration masters =
        repolled.entrySet().stream()
            .filter(e -> e.getKey().startsWith("master:"))
            .map(e -> Duration.between(kill.at(), e.getValue()))
            .max(Duration::compareTo)
            .orElse(Duration.ZERO);
    // a node the dead collector polled last would go UNKNOWN a stale time (three intervals) after
    // that poll, which was at most an interval before the kill, at the processor's next clock
    // check (one an interval): wait that out, and a moment for the verdict to reach the topic
    Duration wait = o.pollInterval().multipliedBy(3).plusSeconds(2);
    TimeUnit.NANOSECONDS.sleep(
        Math.max(0, Duration.between(Instant.now(), kill.at().plus(wait)).toNanos()));
    Set<String> faulted = new java.util.HashSet<>();
    faults.forEach(f -> faulted.add(f.agent()));
    List<String> alarms =
        transitions.turned(ALARMS, kill.at()).stream().filter(n -> !faulted.contains(n)).toList();
    log("the last of them polled again after " + last + "; alarms since: " + alarms);
    return new Takeover(kill.victim(), kill.its().size(), repolled.size(), last, masters, alarms);
  }

  /** Waits until the live collectors poll every agent once between them; agents per collector. */
  private Map<String, Integer> awaitSpread(List<ServiceJvm> collectors) throws Exception {
    ServiceJvm joined = collectors.get(collectors.size() - 1);
    joined.awaitUrl(Duration.ofMinutes(2));
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    Map<String, Integer> shares = new LinkedHashMap<>();
    while (System.nanoTime() < deadline) {
      shares.clear();
      for (ServiceJvm c : collectors) {
        try {
          shares.put(c.name(), (int) c.metric("mesos_health_collector_agents_tracked"));
        } catch (IOException | IllegalStateException e) {
          // the killed one
        }
      }
      int sum = shares.values().stream().mapToInt(Integer::intValue).sum();
      if (shares.getOrDefault(joined.name(), 0) > 0 && sum == o.agents()) {
        log("after " + joined.name() + " joined: " + shares);
        return shares;
      }
      TimeUnit.MILLISECONDS.sleep(500); // polling the collectors' gauges
    }
    log("the work did not spread in time: " + shares);
    return shares;
  }

  private static Map<String, Duration> cpu(List<ServiceJvm> collectors, List<ServiceJvm> procs) {
    Map<String, Duration> out = new LinkedHashMap<>();
    collectors.forEach(c -> out.put(c.name(), c.cpu()));
    procs.forEach(p -> out.put(p.name(), p.cpu()));
    return out;
  }

  private Map<String, Double> cores(
      Map<String, Duration> before, Map<String, Duration> after, long bench0, double seconds) {
    double collectors = 0;
    double processors = 0;
    for (Map.Entry<String, Duration> e : after.entrySet()) {
      double c = e.getValue().minus(before.get(e.getKey())).toNanos() / 1e9 / seconds;
      if (e.getKey().startsWith("collector")) {
        collectors += c;
      } else {
        processors += c;
      }
    }
    Map<String, Double> out = new LinkedHashMap<>();
    out.put(o.collectors() + " collectors", collectors);
    out.put(o.processors() + " processors", processors);
    out.put("collectors + processors", collectors + processors);
    out.put("broker, simulator, harness (this JVM)", (benchCpuNanos() - bench0) / 1e9 / seconds);
    return out;
  }

  private static long benchCpuNanos() {
    return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static long published(SnapshotWatch snapshots) {
    return snapshots.published().values().stream().mapToLong(Long::longValue).sum();
  }

  private static long committed(Admin admin) throws Exception {
    return Offsets.committed(admin, APPLICATION_ID, Topics.METRIC_SNAPSHOTS.name())
        .values()
        .stream()
        .mapToLong(Long::longValue)
        .sum();
  }

  private static void log(String message) {
    System.err.println(java.time.LocalTime.now() + " bench scale-out: " + message);
  }
}
