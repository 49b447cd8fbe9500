package dev.mesoshealth.sim.scenario;

import dev.mesoshealth.sim.MesosSimulator;
import dev.mesoshealth.sim.cluster.FaultRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Plays a {@link Scenario} against a running simulator on the simulator's scheduler. */
public final class ScenarioRunner implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ScenarioRunner.class);

  private final MesosSimulator sim;
  private final Scenario scenario;
  private final ScheduledExecutorService scheduler;
  private final List<ScheduledFuture<?>> scheduled = new ArrayList<>();

  public ScenarioRunner(MesosSimulator sim, Scenario scenario, ScheduledExecutorService scheduler) {
    this.sim = sim;
    this.scenario = scenario;
    this.scheduler = scheduler;
  }

  public synchronized void start() {
    for (Scenario.Step step : scenario.steps()) {
      Runnable run = () -> run(step);
      long at = step.at().toMillis();
      scheduled.add(
          step.every() == null
              ? scheduler.schedule(run, at, TimeUnit.MILLISECONDS)
              : scheduler.scheduleAtFixedRate(
                  run, at, step.every().toMillis(), TimeUnit.MILLISECONDS));
    }
  }

  private void run(Scenario.Step step) {
    try {
      FaultRecord r = sim.inject(step.fault());
      log.info("scenario: fault {} {}: {}", r.id(), r.kind(), r.detail());
    } catch (IllegalArgumentException | IllegalStateException e) {
      log.warn("scenario: could not inject {}: {}", step.fault().kind(), e.getMessage());
    }
  }

  @Override
  public synchronized void close() {
    for (ScheduledFuture<?> f : scheduled) {
      f.cancel(false);
    }
    scheduled.clear();
  }
}
