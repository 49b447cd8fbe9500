package dev.mesoshealth.processor.topology;

import dev.mesoshealth.testkit.TempDirs;
import java.nio.file.Path;

/**
 * State directories for TopologyTestDrivers. The default one (/tmp/kafka-streams/<application>) is
 * shared by every JVM on the machine, and RocksDB locks its stores: two drivers of the same
 * application id in test JVMs running side by side fail to open them.
 */
public final class TestStateDirs {
  private TestStateDirs() {}

  public static Path create() {
    return TempDirs.create("topology-test-");
  }
}
