package dev.mesoshealth.testkit;

import dev.mesoshealth.sim.MesosSimulator;
import dev.mesoshealth.sim.PipelineFlags;
import java.util.Map;

/**
 * The flags the ITs start their collector and processor with: one-second polls, three partitions,
 * free ports, a fresh state directory. Each IT adds or overrides what it is about.
 */
public final class ItFlags {
  private ItFlags() {}

  /** A collector polling the simulator's masters (and Marathon) into the broker. */
  public static Map<String, String> collector(
      String cluster, MesosSimulator sim, String bootstrap) {
    return PipelineFlags.collector(cluster, sim, bootstrap, PipelineFlags.Pace.TESTS, 3);
  }

  /** A processor with its own state directory and REST API on a free port. */
  public static Map<String, String> processor(String applicationId, String bootstrap) {
    return PipelineFlags.processor(
        applicationId,
        bootstrap,
        PipelineFlags.Pace.TESTS,
        3,
        TempDirs.create(applicationId + "-"));
  }
}
