package dev.mesoshealth.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The collector-efficiency harness works end to end on a few agents (real runs are by hand). */
class CollectorEfficiencyBenchIT {
  private static final int AGENTS = 20;
  private static final Duration WINDOW = Duration.ofSeconds(2);

  @Test
  void bothSidesAreMeasured() throws Exception {
    CollectorEfficiencyBench.Result r = new CollectorEfficiencyBench(AGENTS, WINDOW).run();
    System.out.println(r.markdown());

    // not speed (that is bench/run's, in docs/benchmarks.md): each side did real work, at least a
    // GET of every agent in the window. A floor of 100 GETs a second (about 700 on a quiet
    // machine) failed at 80 on a loaded one
    double everyAgentOnce = (double) AGENTS / WINDOW.toSeconds();
    assertThat(r.rawPerSecond()).as("raw GETs a second").isGreaterThanOrEqualTo(everyAgentOnce);
    assertThat(r.collectorPerSecond())
        .as("collector polls a second")
        .isGreaterThanOrEqualTo(everyAgentOnce);
    assertThat(r.markdown()).contains("| 20 | 2 s |");
  }
}
