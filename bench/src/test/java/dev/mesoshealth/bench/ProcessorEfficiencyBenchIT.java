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
      // loose bounds, far below the figures in docs/benchmarks.md
      assertThat(p.rawPerSecond()).as("raw reads a second").isGreaterThan(50);
      assertThat(p.processorPerSecond()).as("snapshots evaluated a second").isGreaterThan(10);
      assertThat(p.transitions()).as("each agent's first HEALTHY, nothing more").isEqualTo(40);
    }
    assertThat(r.markdown()).contains("| 40 x 5 | 200 | 1st (cold JVM) |");
    assertThat(r.warm()).as("one pass: the smoke test of the harness").isNull();
  }
}
