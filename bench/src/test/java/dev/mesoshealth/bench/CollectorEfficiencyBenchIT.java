package dev.mesoshealth.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The collector-efficiency harness works end to end on a few agents (real runs are by hand). */
class CollectorEfficiencyBenchIT {
  @Test
  void bothSidesAreMeasured() throws Exception {
    CollectorEfficiencyBench.Result r =
        new CollectorEfficiencyBench(20, Duration.ofSeconds(3)).run();
    System.out.println(r.markdown());

    assertThat(r.rawPerSecond()).isPositive();
    assertThat(r.collectorPerSecond()).isPositive();
    assertThat(r.markdown()).contains("| 20 | 3 s |");
  }
}
