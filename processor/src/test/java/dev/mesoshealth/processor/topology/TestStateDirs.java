package dev.mesoshealth.processor.topology;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * State directories for TopologyTestDrivers. The default one (/tmp/kafka-streams/<application>) is
 * shared by every JVM on the machine, and RocksDB locks its stores: two drivers of the same
 * application id in test JVMs running side by side fail to open them.
 */
public final class TestStateDirs {
  private TestStateDirs() {}

  public static Path create() {
    try {
      Path dir = Files.createTempDirectory("topology-test-");
      dir.toFile().deleteOnExit();
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
