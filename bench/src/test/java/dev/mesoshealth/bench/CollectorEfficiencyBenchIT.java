package dev.mesoshealth.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The collector-efficiency harness works end to end on a few agents (real runs are by hand). */
class CollectorEfficiencyBenchIT {
  @Test
  void bothSidesAreMeasured() throws Exception {
    CollectorEfficiencyBench.Result r =
        new CollectorEfficiencyBench(20, Duration.ofSeconds(2)).run();
    System.out.println(r.markdown());

    // loose bounds: a harness that measures nothing, or a slowed collector, fails. On 20 agents the
    // collector keeps its own schedule (about 46 polls a second here), the raw client does not
    // (about 700 GETs a second)
    assertThat(r.rawPerSecond()).as("raw GETs a second").isGreaterThan(100);
    assertThat(r.collectorPerSecond()).as("collector polls a second").isGreaterThan(10);
    assertThat(r.markdown()).contains("| 20 | 2 s |");
  }
}
