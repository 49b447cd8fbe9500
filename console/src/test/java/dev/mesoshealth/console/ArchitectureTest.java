package dev.mesoshealth.console;

import dev.mesoshealth.testkit.ArchitectureRules;
import org.junit.jupiter.api.Test;

/** The view model is pure; the topic feed and the web server are adapters around it. */
class ArchitectureTest {
  private static final String BASE = "dev.mesoshealth.console";

  @Test
  void packagesHaveNoCycles() {
    ArchitectureRules.assertNoPackageCycles(BASE);
  }

  @Test
  void theViewModelIsPure() {
    ArchitectureRules.assertPure(BASE, BASE + ".model");
  }
}
