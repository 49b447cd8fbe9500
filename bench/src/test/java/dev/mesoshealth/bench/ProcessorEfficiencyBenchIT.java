package dev.mesoshealth.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The efficiency harness works end to end on a tiny backlog, one pass (the real runs, two passes,
 * are by hand).
 */
class ProcessorEfficiencyBenchIT {
  @Test
  void aTinyBacklogIsReadBothWays() throws Exception {
    ProcessorEfficiencyBench.Result r = new ProcessorEfficiencyBench(40, 5, 1).run();
    System.out.println(r.markdown());

    assertThat(r.records()).isEqualTo(200);
    for (ProcessorEfficiencyBench.Pass p : List.of(r.cold())) {
      // measured, not judged: speed is bench/run's (docs/benchmarks.md); a floor here fails on a
      // loaded build machine, as the collector harness's did
      assertThat(p.rawPerSecond()).as("raw reads a second").isPositive();
      assertThat(p.processorPerSecond()).as("snapshots evaluated a second").isPositive();
      assertThat(p.transitions()).as("each agent's first HEALTHY, nothing more").isEqualTo(40);
    }
    assertThat(r.markdown()).contains("| 40 x 5 | 200 | 1st (cold JVM) |");
    assertThat(r.warm()).as("one pass: the smoke test of the harness").isNull();
  }
}
