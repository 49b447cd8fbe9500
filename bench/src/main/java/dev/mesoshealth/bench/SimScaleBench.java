package dev.mesoshealth.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.mesoshealth.sim.MesosSimulator;
import dev.mesoshealth.sim.SimConfig;
import dev.mesoshealth.sim.cluster.SimAgent;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How many agents one simulator process serves: N agents, each polled for /metrics/snapshot once
 * per interval by a JDK HTTP client in the same JVM, spread evenly over the interval. Reports
 * requests served per second, the simulator's own CPU (its threads only) and heap.
 *
 * @param agents simulated agents
 * @param interval how often each agent is polled
 * @param duration how long to measure, after one interval of warm-up
 * @param sharedAgentSocket serve every agent from one shared socket (see {@link
 *     SimConfig#sharedAgentSocket()}) instead of one socket per agent
 */
public record SimScaleBench(
    int agents, Duration interval, Duration duration, boolean sharedAgentSocket) {

  /** What one run measured. */
  public record Result(
      int agents,
      Duration interval,
      double targetRequestsPerSecond,
      double servedRequestsPerSecond,
      long errors,
      double simCpuCores,
      double processCpuCores,
      long heapUsedMiB,
      long heapMaxMiB,
      double p99LatencyMs) {

    public String markdownRow() {
      return String.format(
          "| %,d | %s | %.0f | %.0f | %d | %.2f | %.2f | %d | %d | %.1f |",
          agents,
          interval.toSeconds() + " s",
          targetRequestsPerSecond,
          servedRequestsPerSecond,
          errors,
          simCpuCores,
          processCpuCores,
          heapUsedMiB,
          heapMaxMiB,
          p99LatencyMs);
    }

    public static String markdownHeader() {
      return "| agents | interval | target req/s | served req/s | errors | simulator CPU (cores) | whole process CPU (cores) | heap after GC (MiB) | heap max (MiB) | p99 latency (ms) |\n"
          + "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|";
    }
  }

  public Result run() throws InterruptedException {
    System.setProperty("jdk.httpclient.connectionPoolSize", "256");
    System.setProperty("jdk.httpclient.keepalive.timeout", "5");
    SimConfig config =
        SimConfig.forTests(3, agents, 42).withApps(12).withSharedAgentSocket(sharedAgentSocket);
    try (MesosSimulator sim = MesosSimulator.start(config)) {
      List<String> urls = new ArrayList<>();
      for (SimAgent a : sim.cluster().agents()) {
        urls.add(sim.agentUrl(a) + "/metrics/snapshot");
      }
      ExecutorService clientThreads =
          Executors.newFixedThreadPool(
              2,
              r -> {
                Thread t = new Thread(r, "bench-client");
                t.setDaemon(true);
                return t;
              });
      HttpClient client =
          HttpClient.newBuilder()
              .connectTimeout(Duration.ofSeconds(5))
              .executor(clientThreads)
              .build();
      Semaphore inFlight = new Semaphore(128);
      AtomicLong ok = new AtomicLong();
      AtomicLong errors = new AtomicLong();
      java.util.concurrent.ConcurrentHashMap<String, Long> errorKinds =
          new java.util.concurrent.ConcurrentHashMap<>();
      long[] latencies = new long[1 << 20];
      AtomicLong latencyCount = new AtomicLong();
      ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
      long stepNanos = interval.toNanos() / agents;
      long start = System.nanoTime();
      AtomicLong next = new AtomicLong();
      scheduler.scheduleAtFixedRate(
          () -> {
            long due = (System.nanoTime() - start) / stepNanos;
            while (next.get() <= due) {
              String url = urls.get((int) (next.getAndIncrement() % urls.size()));
              if (!inFlight.tryAcquire()) {
                errors.incrementAndGet();
                errorKinds.merge("client busy", 1L, Long::sum);
                continue;
              }
              long sent = System.nanoTime();
              client
                  .sendAsync(
                      HttpRequest.newBuilder(URI.create(url))
                          .timeout(Duration.ofSeconds(10))
                          .build(),
                      HttpResponse.BodyHandlers.discarding())
                  .whenComplete(
                      (r, e) -> {
                        inFlight.release();
                        if (e == null && r.statusCode() == 200) {
                          ok.incrementAndGet();
                          long i = latencyCount.getAndIncrement();
                          if (i < latencies.length) {
                            latencies[(int) i] = System.nanoTime() - sent;
                          }
                        } else {
                          errors.incrementAndGet();
                          errorKinds.merge(
                              e == null
                                  ? "HTTP " + r.statusCode()
                                  : rootCause(e).getClass().getSimpleName(),
                              1L,
                              Long::sum);
                        }
                      });
            }
          },
          0,
          10,
          TimeUnit.MILLISECONDS);

      Thread.sleep(interval.toMillis());
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      OperatingSystemMXBean os =
          (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
      long simCpu0 = simThreadsCpu(threads);
      long processCpu0 = os.getProcessCpuTime();
      long served0 = sim.requestsServed();
      long errors0 = errors.get();
      latencyCount.set(0);
      long t0 = System.nanoTime();
      long heapMax = 0;
      long end = t0 + duration.toNanos();
      while (System.nanoTime() < end) {
        Thread.sleep(1000);
        heapMax = Math.max(heapMax, memory.getHeapMemoryUsage().getUsed());
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      double simCores = (simThreadsCpu(threads) - simCpu0) / 1e9 / seconds;
      double processCores = (os.getProcessCpuTime() - processCpu0) / 1e9 / seconds;
      double served = (sim.requestsServed() - served0) / seconds;
      long errorCount = errors.get() - errors0;
      if (!errorKinds.isEmpty()) {
        System.err.println("errors by kind (warm-up included): " + errorKinds);
      }
      scheduler.shutdownNow();
      clientThreads.shutdownNow();
      System.gc();
      long heapAfterGc = memory.getHeapMemoryUsage().getUsed();
      int n = (int) Math.min(latencyCount.get(), latencies.length);
      long[] sample = java.util.Arrays.copyOf(latencies, n);
      java.util.Arrays.sort(sample);
      double p99 = n == 0 ? 0 : sample[(int) Math.min(n - 1, Math.ceil(n * 0.99) - 1)] / 1e6;
      return new Result(
          agents,
          interval,
          agents / (double) interval.toSeconds(),
          served,
          errorCount,
          simCores,
          processCores,
          heapAfterGc >> 20,
          heapMax >> 20,
          p99);
    }
  }

  private static Throwable rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }

  private static long simThreadsCpu(ThreadMXBean threads) {
    long total = 0;
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info != null && info.getThreadName().startsWith("mesos-sim")) {
        long cpu = threads.getThreadCpuTime(info.getThreadId());
        if (cpu > 0) {
          total += cpu;
        }
      }
    }
    return total;
  }

  public static void main(String[] args) throws InterruptedException {
    int agents = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    long seconds = args.length > 1 ? Long.parseLong(args[1]) : 60;
    long interval = args.length > 2 ? Long.parseLong(args[2]) : 10;
    boolean shared = args.length > 3 && args[3].equals("--shared-agent-socket");
    Result r =
        new SimScaleBench(agents, Duration.ofSeconds(interval), Duration.ofSeconds(seconds), shared)
            .run();
    System.out.println(Result.markdownHeader());
    System.out.println(r.markdownRow());
  }
}
