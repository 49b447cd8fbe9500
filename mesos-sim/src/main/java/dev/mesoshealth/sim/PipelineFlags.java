package dev.mesoshealth.sim;

import dev.mesoshealth.service.OpenFiles;
import dev.mesoshealth.service.SharedConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The settings a collector and a processor start with to watch a simulated cluster: the demo's, the
 * end-to-end benchmark's and the integration tests' pipelines all begin here and add what they are
 * about.
 */
public final class PipelineFlags {
  private PipelineFlags() {}

  /**
   * How fast the pipeline goes.
   *
   * @param inventory how often /master/slaves and Marathon are read
   * @param httpTimeout the deadline of one request
   */
  public record Pace(Duration poll, Duration inventory, Duration httpTimeout) {
    /** The integration tests': every node and the inventory every second, 600 ms per request. */
    public static final Pace TESTS =
        new Pace(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMillis(600));

    /**
     * Polling every {@code poll}: the inventory every three polls (2 s to 30 s), half a poll per
     * request (0.5 s to 5 s).
     */
    public static Pace of(Duration poll) {
      long ms = poll.toMillis();
      return new Pace(
          poll,
          Duration.ofMillis(Math.max(2_000, Math.min(30_000, ms * 3))),
          Duration.ofMillis(Math.max(500, Math.min(5_000, ms / 2))));
    }
  }

  /** A collector polling the simulator's masters, agents and Marathon into the broker. */
  public static Map<String, String> collector(
      String cluster, MesosSimulator sim, String bootstrap, Pace pace, int partitions) {
    Map<String, String> c = new LinkedHashMap<>();
    c.put(SharedConfig.CLUSTER_NAME, cluster);
    c.put("mesos.masters", String.join(",", sim.masterUrls()));
    c.put("marathon.urls", sim.marathonUrl());
    c.put(SharedConfig.POLL_INTERVAL, pace.poll().toMillis() + "ms");
    c.put("inventory.interval", pace.inventory().toMillis() + "ms");
    c.put("http.timeout", pace.httpTimeout().toMillis() + "ms");
    // the product's agent deadline (1 s) unless the pace's is shorter
    c.put("http.agent.timeout", Math.min(1_000, pace.httpTimeout().toMillis()) + "ms");
    c.put(SharedConfig.KAFKA_BOOTSTRAP_SERVERS, bootstrap);
    c.put(SharedConfig.TOPICS_PARTITIONS, Integer.toString(partitions));
    c.put(SharedConfig.ADMIN_PORT, "0");
    // the simulated agents answer in this process: each connection kept open is two open files,
    // and each agent listens on a socket of its own unless they share one; 4,096 are left for the
    // broker's segments, the processor's RocksDB files and the JVM
    long listening = sim.config().sharedAgentSocket() ? 1 : sim.config().agents();
    long budget = (OpenFiles.limit() - listening - 4096) / 2;
    c.put("http.max.idle.connections", Long.toString(Math.max(1, budget)));
    return c;
  }

  /** A processor with its state in {@code stateDir} and its REST API on a free port. */
  public static Map<String, String> processor(
      String applicationId, String bootstrap, Pace pace, int partitions, Path stateDir) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put(SharedConfig.KAFKA_BOOTSTRAP_SERVERS, bootstrap);
    p.put("application.id", applicationId);
    p.put(SharedConfig.POLL_INTERVAL, pace.poll().toMillis() + "ms");
    p.put(SharedConfig.TOPICS_PARTITIONS, Integer.toString(partitions));
    p.put("api.port", "0");
    p.put("state.dir", stateDir.toString());
    return p;
  }
}
