package dev.mesoshealth.processor;

import dev.mesoshealth.testkit.ArchitectureRules;
import org.junit.jupiter.api.Test;

/** Streams processors live in {@code topology}; health, capacity and endpoint logic stays pure. */
class ArchitectureTest {
  private static final String BASE = "dev.mesoshealth.processor";

  @Test
  void packagesHaveNoCycles() {
    ArchitectureRules.assertNoPackageCycles(BASE);
  }

  @Test
  void healthCapacityAndEndpointLogicIsPure() {
    ArchitectureRules.assertPure(BASE, BASE + ".health", BASE + ".capacity", BASE + ".endpoints");
  }
}
