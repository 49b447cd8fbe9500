package dev.mesoshealth.processor.it;

import dev.mesoshealth.service.SharedConfig;
import dev.mesoshealth.sim.MesosSimulator;
import java.io.IOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The flags the ITs start their collector and processor with: one-second polls, three partitions,
 * free ports, a fresh state directory. Each IT adds or overrides what it is about.
 */
final class ItFlags {
  private ItFlags() {}

  /** A collector polling the simulator's masters (and Marathon) into the broker. */
  static Map<String, String> collector(String cluster, MesosSimulator sim, String bootstrap) {
    Map<String, String> c = new LinkedHashMap<>();
    c.put(SharedConfig.CLUSTER_NAME, cluster);
    c.put("mesos.masters", String.join(",", sim.masterUrls()));
    c.put("marathon.urls", sim.marathonUrl());
    c.put(SharedConfig.POLL_INTERVAL, "1s");
    c.put("inventory.interval", "1s");
    c.put("http.timeout", "600ms");
    c.put(SharedConfig.KAFKA_BOOTSTRAP_SERVERS, bootstrap);
    c.put("topics.partitions", "3");
    c.put(SharedConfig.ADMIN_PORT, "0");
    return c;
  }

  /** A processor with its own state directory and REST API on a free port. */
  static Map<String, String> processor(String applicationId, String bootstrap) throws IOException {
    Map<String, String> p = new LinkedHashMap<>();
    p.put(SharedConfig.KAFKA_BOOTSTRAP_SERVERS, bootstrap);
    p.put("application.id", applicationId);
    p.put(SharedConfig.POLL_INTERVAL, "1s");
    p.put("topics.partitions", "3");
    p.put("api.port", "0");
    p.put("state.dir", Files.createTempDirectory(applicationId + "-").toString());
    return p;
  }
}
