package dev.mesoshealth.updaters;

import dev.mesoshealth.testkit.ArchitectureRules;
import org.junit.jupiter.api.Test;

/** The updaters' packages import each other without loops. */
class ArchitectureTest {
  private static final String BASE = "dev.mesoshealth.updaters";

  @Test
  void packagesHaveNoCycles() {
    ArchitectureRules.assertNoPackageCycles(BASE);
  }
}
