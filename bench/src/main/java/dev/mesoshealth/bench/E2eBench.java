package dev.mesoshealth.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.mesoshealth.broker.EmbeddedKafkaBroker;
import dev.mesoshealth.collector.CollectorConfig;
import dev.mesoshealth.collector.CollectorMain;
import dev.mesoshealth.collector.CollectorMetrics;
import dev.mesoshealth.events.HealthStatus;
import dev.mesoshealth.processor.ProcessorConfig;
import dev.mesoshealth.processor.ProcessorMain;
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
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.TopicPartition;

/**
 * The whole pipeline under load in one JVM: simulator, embedded broker (or a given one), collector
 * and processor. After a warm-up (every agent HEALTHY), it measures for a while, injecting an agent
 * failure at a steady rate, and reports throughput, loss (polls made vs records on the topic vs
 * evaluations), detection latency from the ground-truth fault start to the transition arriving on
 * the topic, CPU per component, peak RSS and the collector's schedule lag.
 */
public final class E2eBench {
  private static final Pattern CLUSTER_AGENTS = Pattern.compile("\"HEALTHY\":(\\d+)");

  /**
   * What to run; {@code partitions}: the pipeline topics' (production's twelve in the real runs).
   */
  public record Options(
      int agents,
      int masters,
      int partitions,
      Duration pollInterval,
      Duration duration,
      Duration faultEvery,
      String bootstrapServers,
      long seed,
      boolean sharedAgentSocket,
      Map<String, String> collectorSettings,
      Map<String, String> processorSettings,
      List<FaultKind> faultKinds) {

    public Options {
      collectorSettings = collectorSettings == null ? Map.of() : Map.copyOf(collectorSettings);
      processorSettings = processorSettings == null ? Map.of() : Map.copyOf(processorSettings);
      faultKinds =
          faultKinds == null || faultKinds.isEmpty()
              ? List.of(FaultKind.DOWN)
              : List.copyOf(faultKinds);
    }
  }

  /**
   * Detection of one kind of fault: DOWN (refused) and HUNG (accepts, never answers) must be
   * detected; a BLIP (refused for 1.5 s) must not be, and {@code alarms} counts those that were.
   */
  public record KindDetection(
      FaultKind kind, int faults, int detected, long p50Ms, long p99Ms, long maxMs, long alarms) {}

  /** What one run measured. */
  public record Result(
      Options options,
      double windowSeconds,
      long snapshotsMade,
      long snapshotsOnTopic,
      long snapshotsEvaluated,
      long evaluationsReplayed,
      double snapshotsPerSecond,
      int faults,
      int detected,
      long falseAlarms,
      long startupAlarms,
      long latencyP50Ms,
      long latencyP95Ms,
      long latencyP99Ms,
      long latencyMaxMs,
      long pipelineP50Ms,
      long pipelineMaxMs,
      Duration floor, // K poll intervals: a dead agent is seen after K failed polls
      Duration mesosUnreachableAfter,
      Map<String, Double> cpuCores,
      long peakRssMiB,
      double threadsStartedPerSecond,
      double scheduleLagP50Seconds,
      double scheduleLagP99Seconds,
      double agentPollP99Seconds,
      long pollsSkipped,
      List<KindDetection> byKind) {

    public boolean lossless() {
      return snapshotsMade == snapshotsOnTopic && snapshotsOnTopic == snapshotsEvaluated;
    }

    public String markdown() {
      StringBuilder out = new StringBuilder();
      out.append(
          String.format(
              "| agents | poll interval | measured | snapshots/s | made / on topic / evaluated |"
                  + " loss | replayed | polls skipped | schedule lag p50 / p99 | agent poll p99 |"
                  + " peak RSS | threads started/s |%n"
                  + "|---:|---:|---:|---:|---|---|---:|---:|---:|---:|---:|---:|%n"));
      out.append(
          String.format(
              "| %,d | %s | %.0f s | %.0f | %,d / %,d / %,d | %s | %,d | %,d | ≤ %s s / ≤ %s s |"
                  + " ≤ %s s | %,d MiB | %.1f |%n%n",
              options.agents(),
              Durations.format(options.pollInterval()),
              windowSeconds,
              snapshotsPerSecond,
              snapshotsMade,
              snapshotsOnTopic,
              snapshotsEvaluated,
              lossless() ? "none" : "YES",
              evaluationsReplayed,
              pollsSkipped,
              scheduleLagP50Seconds,
              scheduleLagP99Seconds,
              agentPollP99Seconds,
              peakRssMiB,
              threadsStartedPerSecond));
      out.append(
          String.format(
              "| faults | detected | false alarms | latency p50 | p95 | p99 | max | of which"
                  + " pipeline p50 / max | K intervals | target p99 | Mesos marks unreachable"
                  + " after |%n"
                  + "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|%n"));
      out.append(
          String.format(
              "| %d | %d | %d | %,d ms | %,d ms | %,d ms | %,d ms | %,d ms / %,d ms | %s | ≤ %s |"
                  + " %s |%n%n",
              faults,
              detected,
              falseAlarms,
              latencyP50Ms,
              latencyP95Ms,
              latencyP99Ms,
              latencyMaxMs,
              pipelineP50Ms,
              pipelineMaxMs,
              Durations.format(floor),
              Durations.format(floor.plusSeconds(2)),
              Durations.format(mesosUnreachableAfter)));
      if (options.faultKinds().size() > 1 || options.faultKinds().get(0) != FaultKind.DOWN) {
        out.append(
            String.format(
                "| fault kind | faults | detected | latency p50 | p99 | max | alarms |%n"
                    + "|---|---:|---:|---:|---:|---:|---:|%n"));
        for (KindDetection k : byKind) {
          boolean blip = k.kind() == FaultKind.BLIP;
          out.append(
              String.format(
                  "| %s | %d | %s | %s | %s | %s | %d |%n",
                  k.kind(),
                  k.faults(),
                  blip ? "(must not be)" : String.valueOf(k.detected()),
                  blip ? "" : String.format("%,d ms", k.p50Ms()),
                  blip ? "" : String.format("%,d ms", k.p99Ms()),
                  blip ? "" : String.format("%,d ms", k.maxMs()),
                  k.alarms()));
        }
        out.append(String.format("%n"));
      }
      out.append("| component | CPU (cores) | per 1,000 agents |\n|---|---:|---:|\n");
      cpuCores.forEach(
          (component, cores) ->
              out.append(
                  String.format(
                      "| %s | %.2f | %.3f |%n",
                      component, cores, cores * 1000.0 / options.agents())));
      return out.toString();
    }
  }

  private static final String PROCESSOR_APPLICATION_ID = "bench-processor";

  private final Options o;

  public E2eBench(Options options) {
    this.o = options;
  }

  /** Everything a run starts, stopped in reverse order. */
  private record Rig(
      EmbeddedKafkaBroker broker,
      String bootstrap,
      Map<TopicPartition, Long> start,
      MesosSimulator sim,
      CollectorMain collector,
      ProcessorMain processor,
      TransitionWatch watch)
      implements AutoCloseable {
    @Override
    public void close() {
      for (AutoCloseable c : new AutoCloseable[] {watch, processor, collector, sim, broker}) {
        if (c != null) {
          try {
            c.close();
          } catch (Exception e) {
            log("stopping: " + e);
          }
        }
      }
    }
  }

  /** What the measurement window saw, before the pipeline is drained. */
  private record Window(
      double seconds,
      long polls,
      Map<String, Double> cores,
      double threadsPerSecond,
      CollectorMetrics.Buckets lag,
      CollectorMetrics.Buckets took,
      long skipped,
      Instant start,
      List<Injected> faults) {}

  /** Every poll made, on the topic, and evaluated (exactly once, or replayed). */
  private record Loss(long made, long onTopic, long evaluated, long replayed) {}

  /** Fault start (ground truth) to the transition on the topic, and the pipeline's own part. */
  private record Detection(
      int injected, List<Long> latencies, List<Long> pipeline, List<KindDetection> byKind) {}

  public Result run() throws Exception {
    try (Rig rig = start()) {
      log("warming up: waiting for every agent to be HEALTHY");
      awaitHealthy(
          rig.processor().apiUrl(),
          o.agents(),
          Duration.ofMinutes(5).plus(o.pollInterval().multipliedBy(10)));
      log("warming up: waiting for the collector to be on schedule");
      awaitOnSchedule(rig.collector(), Duration.ofMinutes(5));
      Window w = measure(rig);
      Loss loss = drain(rig);
      Detection d = detection(rig.watch(), w.faults());
      return new Result(
          o,
          w.seconds(),
          loss.made(),
          loss.onTopic(),
          loss.evaluated(),
          loss.replayed(),
          w.polls() / w.seconds(),
          d.injected(),
          d.latencies().size(),
          rig.watch().falseAlarms(detectable(w.faults()), w.start()),
          rig.watch().startupAlarms(w.start()),
          percentile(d.latencies(), 0.50),
          percentile(d.latencies(), 0.95),
          percentile(d.latencies(), 0.99),
          d.latencies().isEmpty() ? 0 : d.latencies().get(d.latencies().size() - 1),
          percentile(d.pipeline(), 0.50),
          d.pipeline().isEmpty() ? 0 : d.pipeline().get(d.pipeline().size() - 1),
          o.pollInterval().multipliedBy(2),
          rig.sim().config().agentPingTimeout(),
          w.cores(),
          peakRssMiB(),
          w.threadsPerSecond(),
          w.lag().quantile(0.50),
          w.lag().quantile(0.99),
          w.took().quantile(0.99),
          w.skipped(),
          d.byKind());
    }
  }

  /** The broker (unless one is given), the simulator, the pipeline and a watch on transitions. */
  private Rig start() throws Exception {
    EmbeddedKafkaBroker broker = null;
    MesosSimulator sim = null;
    CollectorMain collector = null;
    ProcessorMain processor = null;
    try {
      String bootstrap = o.bootstrapServers();
      if (bootstrap == null) {
        broker = EmbeddedKafkaBroker.startTemporary();
        bootstrap = broker.bootstrapServers();
      }
      // with an existing broker the topic may hold earlier runs: count from here
      Map<TopicPartition, Long> start = snapshotEndOffsets(bootstrap);
      sim =
          MesosSimulator.start(
              SimConfig.forTests(o.masters(), o.agents(), o.seed())
                  .withCluster("bench")
                  .withSharedAgentSocket(o.sharedAgentSocket()));
      // the demo's pipeline (PipelineFlags), at the benchmark's pace and size
      PipelineFlags.Pace pace = PipelineFlags.Pace.of(o.pollInterval());
      Map<String, String> c =
          PipelineFlags.collector("bench", sim, bootstrap, pace, o.partitions());
      c.put("collector.id", "bench-collector");
      c.putAll(o.collectorSettings());
      Path state = Files.createTempDirectory("mesos-health-bench-").resolve("streams");
      collector = CollectorMain.start(CollectorConfig.fromFlags(c));
      Map<String, String> p =
          PipelineFlags.processor(PROCESSOR_APPLICATION_ID, bootstrap, pace, o.partitions(), state);
      p.putAll(o.processorSettings());
      processor = ProcessorMain.start(ProcessorConfig.fromFlags(p));
      return new Rig(
          broker, bootstrap, start, sim, collector, processor, new TransitionWatch(bootstrap));
    } catch (Exception | Error e) {
      new Rig(broker, null, null, sim, collector, processor, null).close();
      throw e;
    }
  }

  /**
   * The measurement window: a DOWN fault every {@code faultEvery}, each victim once in a seeded
   * order (every fault a fresh HEALTHY -> UNREACHABLE), with the CPU sampled every second.
   */
  private Window measure(Rig rig) throws InterruptedException {
    CollectorMetrics metrics = rig.collector().metrics();
    ScheduledExecutorService ticker =
        Executors.newScheduledThreadPool(
            1,
            r -> {
              Thread t = new Thread(r, "bench-ticker");
              t.setDaemon(true);
              return t;
            });
    try {
      CpuSampler cpu = new CpuSampler();
      ticker.scheduleAtFixedRate(cpu::sample, 0, 1, TimeUnit.SECONDS);
      long polls0 = metrics.pollsTotal();
      long skipped0 = metrics.skippedTotal();
      CollectorMetrics.Buckets lag0 = metrics.scheduleLag();
      CollectorMetrics.Buckets took0 = metrics.agentPollDuration();
      long threads0 = ManagementFactory.getThreadMXBean().getTotalStartedThreadCount();
      long t0 = System.nanoTime();
      Instant measureStart = Instant.now();
      List<Injected> faults = new ArrayList<>();
      List<SimAgent> victims = new ArrayList<>(rig.sim().cluster().agents());
      java.util.Collections.shuffle(victims, new Random(o.seed()));
      java.util.Iterator<SimAgent> next = victims.iterator();
      ticker.scheduleAtFixedRate(
          () -> {
            if (!next.hasNext()) {
              return;
            }
            SimAgent victim = next.next();
            FaultKind kind;
            synchronized (faults) {
              kind = o.faultKinds().get(faults.size() % o.faultKinds().size());
            }
            // the ground truth is now: the simulator's own record carries its time, which moves in
            // one-second ticks, so it can be up to a second before the agent actually went down
            Instant at = Instant.now();
            rig.sim()
                .inject(
                    new FaultSpec(
                        kind,
                        victim.id(),
                        kind == FaultKind.BLIP ? null : o.pollInterval().multipliedBy(6),
                        Map.of()));
            synchronized (faults) {
              faults.add(new Injected(victim.id(), at, kind));
            }
          },
          o.faultEvery().toMillis(),
          o.faultEvery().toMillis(),
          TimeUnit.MILLISECONDS);
      log("measuring for " + Durations.format(o.duration()));
      TimeUnit.NANOSECONDS.sleep(o.duration().toNanos()); // the run's length, not a wait
      ticker.shutdownNow();
      double seconds = (System.nanoTime() - t0) / 1e9;
      long threadsStarted =
          ManagementFactory.getThreadMXBean().getTotalStartedThreadCount() - threads0;
      cpu.sample();
      synchronized (faults) {
        return new Window(
            seconds,
            metrics.pollsTotal() - polls0,
            cpu.coresSince(seconds),
            threadsStarted / seconds,
            metrics.scheduleLag().minus(lag0), // the window only, not the warm-up
            metrics.agentPollDuration().minus(took0),
            metrics.skippedTotal() - skipped0,
            measureStart,
            List.copyOf(faults));
      }
    } finally {
      ticker.shutdownNow();
    }
  }

  /**
   * Stops polling and waits for the processor to commit everything on the topic. Loss: every poll
   * made is on the topic, and every record on the topic was evaluated. The processor is
   * exactly-once, so "evaluated" is what it committed: its own counter also counts records it
   * evaluated again after an aborted transaction (replays, not loss).
   */
  private Loss drain(Rig rig) throws Exception {
    rig.collector().stopPollingAndFlush();
    long made = rig.collector().metrics().pollsTotal();
    long onTopic = since(rig.start(), snapshotEndOffsets(rig.bootstrap()));
    long evaluated;
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, rig.bootstrap()))) {
      while ((evaluated =
                  since(
                      rig.start(),
                      Offsets.committed(
                          admin, PROCESSOR_APPLICATION_ID, Topics.METRIC_SNAPSHOTS.name())))
              < onTopic
          && System.nanoTime() < deadline) {
        TimeUnit.MILLISECONDS.sleep(200); // polling offsets until the processor has caught up
      }
    }
    long replayed = Math.max(0, rig.processor().evaluations() - evaluated);
    return new Loss(made, onTopic, evaluated, replayed);
  }

  /**
   * Detection latency: fault start (ground truth) to the transition arriving on the topic; faults
   * started too close to the end to be seen yet are left out. The pipeline's part runs from the
   * deciding poll (the transition's time) to the arrival; the rest is waiting for the K failed
   * polls, which depends on where in its interval the agent fell.
   */
  private Detection detection(TransitionWatch watch, List<Injected> faults) {
    Instant cutoff =
        Instant.now().minus(o.pollInterval().multipliedBy(2)).minus(Duration.ofSeconds(5));
    List<Injected> injected = faults.stream().filter(f -> f.at().isBefore(cutoff)).toList();
    List<Long> latencies = new ArrayList<>();
    List<Long> pipeline = new ArrayList<>();
    Map<FaultKind, List<Long>> byKind = new java.util.EnumMap<>(FaultKind.class);
    Map<FaultKind, Integer> count = new java.util.EnumMap<>(FaultKind.class);
    Map<FaultKind, Long> alarms = new java.util.EnumMap<>(FaultKind.class);
    for (Injected f : injected) {
      count.merge(f.kind(), 1, Integer::sum);
      byKind.computeIfAbsent(f.kind(), k -> new ArrayList<>());
      TransitionWatch.Seen seen = watch.firstAfter(f.agent(), HealthStatus.UNREACHABLE, f.at());
      if (f.kind() == FaultKind.BLIP) {
        if (seen != null) {
          alarms.merge(f.kind(), 1L, Long::sum);
          log("ALARM for a blip on " + f.agent() + " at " + f.at());
        }
        continue;
      }
      if (seen != null) {
        long latency = Duration.between(f.at(), seen.arrived()).toMillis();
        latencies.add(latency);
        byKind.get(f.kind()).add(latency);
        pipeline.add(Duration.between(seen.decidedAt(), seen.arrived()).toMillis());
        log(
            String.format(
                "%s on %s at %s: deciding poll after %,d ms, then %,d ms to the topic",
                f.kind(),
                f.agent(),
                f.at(),
                Duration.between(f.at(), seen.decidedAt()).toMillis(),
                Duration.between(seen.decidedAt(), seen.arrived()).toMillis()));
      }
    }
    latencies.sort(Long::compare);
    pipeline.sort(Long::compare);
    List<KindDetection> kinds = new ArrayList<>();
    for (FaultKind k : o.faultKinds()) {
      List<Long> l = byKind.getOrDefault(k, new ArrayList<>());
      l.sort(Long::compare);
      kinds.add(
          new KindDetection(
              k,
              count.getOrDefault(k, 0),
              l.size(),
              percentile(l, 0.50),
              percentile(l, 0.99),
              l.isEmpty() ? 0 : l.get(l.size() - 1),
              alarms.getOrDefault(k, 0L)));
    }
    int detectable = (int) injected.stream().filter(f -> f.kind() != FaultKind.BLIP).count();
    return new Detection(detectable, latencies, pipeline, kinds);
  }

  /**
   * Waits for a whole poll interval in which no poll started more than a second late. A cold
   * collector falls seconds behind while the JIT warms up and it opens a connection per agent, and
   * catches up after every agent is already HEALTHY: measuring from then would count its start-up
   * as schedule lag.
   */
  private void awaitOnSchedule(CollectorMain collector, Duration timeout) throws Exception {
    long started = System.nanoTime();
    long deadline = started + timeout.toNanos();
    double latest = Double.NaN;
    while (System.nanoTime() < deadline) {
      CollectorMetrics.Buckets before = collector.metrics().scheduleLag();
      TimeUnit.NANOSECONDS.sleep(o.pollInterval().toNanos()); // one interval of polls observed
      latest = collector.metrics().scheduleLag().minus(before).quantile(1.0);
      if (latest <= 1.0) {
        log(
            String.format(
                "collector on schedule %.0f s after every agent was HEALTHY",
                (System.nanoTime() - started) / 1e9));
        return;
      }
    }
    throw new IllegalStateException(
        "warm-up: the collector's latest polls still started up to "
            + latest
            + " s late after "
            + timeout);
  }

  /** Waits until the cluster {@code bench} counts all its {@code agents} HEALTHY over REST. */
  static void awaitHealthy(String api, int agents, Duration timeout) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + timeout.toNanos();
    int healthy = 0;
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create(api + "/v1/clusters/bench/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        last = r.statusCode() + " " + r.body();
        Matcher m = CLUSTER_AGENTS.matcher(r.body());
        healthy = r.statusCode() == 200 && m.find() ? Integer.parseInt(m.group(1)) : 0;
        if (healthy == agents) {
          return;
        }
      } catch (IOException e) {
        // not up yet
      }
      TimeUnit.SECONDS.sleep(1); // polling the REST API until the warm-up is over
    }
    throw new IllegalStateException(
        "warm-up: only "
            + healthy
            + " of "
            + agents
            + " agents HEALTHY after "
            + timeout
            + "; the cluster's health: "
            + last.substring(0, Math.min(600, last.length())));
  }

  /** End offsets of the snapshot topic; empty while it does not exist yet. */
  private static Map<TopicPartition, Long> snapshotEndOffsets(String bootstrap) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      return Offsets.end(admin, Topics.METRIC_SNAPSHOTS.name());
    }
  }

  /** Records between two positions, summed over partitions (a partition new since is from 0). */
  private static long since(Map<TopicPartition, Long> from, Map<TopicPartition, Long> to) {
    return to.entrySet().stream()
        .mapToLong(e -> Math.max(0, e.getValue() - from.getOrDefault(e.getKey(), 0L)))
        .sum();
  }

  /** A fault the run injected: the agent it took down, and when. */
  private record Injected(String agent, Instant at, FaultKind kind) {}

  /**
   * Agents of faults that must be detected: an alarm on any other agent, blips included, is false.
   */
  private static java.util.Set<String> detectable(List<Injected> faults) {
    synchronized (faults) {
      return faults.stream()
          .filter(f -> f.kind() != FaultKind.BLIP)
          .map(Injected::agent)
          .collect(java.util.stream.Collectors.toSet());
    }
  }

  static long percentile(List<Long> sorted, double q) {
    if (sorted.isEmpty()) {
      return 0;
    }
    int i = (int) Math.ceil(q * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }

  /** Peak resident memory of this JVM (VmHWM), in MiB; 0 where /proc is not there. */
  static long peakRssMiB() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("\\D+", "")) / 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // not Linux
    }
    return 0;
  }

  private static void log(String message) {
    System.err.println("bench e2e: " + message);
  }

  /** CPU time per component, from each thread's CPU time (sampled, since threads come and go). */
  private static final class CpuSampler {
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final OperatingSystemMXBean os =
        (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final Map<Long, String> names = new ConcurrentHashMap<>();
    private final Map<Long, Long> first = new ConcurrentHashMap<>();
    private final Map<Long, Long> last = new ConcurrentHashMap<>();
    private final long processStart = os.getProcessCpuTime();

    synchronized void sample() {
      for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
        if (info == null) {
          continue;
        }
        long cpu = threads.getThreadCpuTime(info.getThreadId());
        if (cpu < 0) {
          continue;
        }
        names.putIfAbsent(info.getThreadId(), info.getThreadName());
        first.putIfAbsent(info.getThreadId(), cpu);
        last.put(info.getThreadId(), cpu);
      }
    }

    synchronized Map<String, Double> coresSince(double seconds) {
      Map<String, Double> out = new java.util.LinkedHashMap<>();
      for (String c : List.of("simulator", "collector", "processor", "bench harness")) {
        out.put(c, 0.0);
      }
      double attributed = 0;
      for (Map.Entry<Long, Long> e : last.entrySet()) {
        double cores = (e.getValue() - first.get(e.getKey())) / 1e9 / seconds;
        String c = component(names.get(e.getKey()));
        if (c != null) {
          out.merge(c, cores, Double::sum);
          attributed += cores;
        }
      }
      double process = (os.getProcessCpuTime() - processStart) / 1e9 / seconds;
      out.put("broker, GC, JIT and the rest", Math.max(0, process - attributed));
      out.put("whole process", process);
      return out;
    }

    private static String component(String thread) {
      if (thread.startsWith("mesos-sim")) {
        return "simulator";
      }
      // the JDK HTTP client's I/O thread: the collector's (the harness's own client is idle while
      // the window is measured)
      if (thread.startsWith("collector-")
          || thread.contains("mesos-health-collector")
          || thread.matches("HttpClient-\\d+-SelectorManager")) {
        return "collector";
      }
      if (thread.contains("bench-processor") || thread.startsWith("http-")) {
        return "processor";
      }
      if (thread.startsWith("bench-")) {
        return "bench harness";
      }
      return null;
    }
  }
}
