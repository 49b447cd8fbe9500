package dev.mesoshealth.collector;

import dev.mesoshealth.testkit.ArchitectureRules;
import org.junit.jupiter.api.Test;

/** Polling ({@code http}), discovery and publishing are adapters around the core's parsing. */
class ArchitectureTest {
  private static final String BASE = "dev.mesoshealth.collector";

  @Test
  void packagesHaveNoCycles() {
    ArchitectureRules.assertNoPackageCycles(BASE);
  }
}
