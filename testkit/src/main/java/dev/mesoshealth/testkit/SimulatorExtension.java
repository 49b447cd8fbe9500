package dev.mesoshealth.testkit;

import dev.mesoshealth.sim.MesosSimulator;
import dev.mesoshealth.sim.SimConfig;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives a test class a running simulated Mesos cluster on free loopback ports, started before all
 * tests and stopped after them. Register it as a static field.
 */
public final class SimulatorExtension implements BeforeAllCallback, AfterAllCallback {
  private final SimConfig config;
  private MesosSimulator sim;

  public SimulatorExtension(SimConfig config) {
    this.config = config;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    sim = MesosSimulator.start(config);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (sim != null) {
      sim.close();
      sim = null;
    }
  }

  public MesosSimulator sim() {
    if (sim == null) {
      throw new IllegalStateException("the simulator runs only between beforeAll and afterAll");
    }
    return sim;
  }
}
