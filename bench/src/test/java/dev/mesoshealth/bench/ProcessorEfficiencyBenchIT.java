package dev.mesoshealth.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The efficiency harness works end to end on a tiny backlog (the real runs are by hand). */
class ProcessorEfficiencyBenchIT {
  @Test
  void aTinyBacklogIsReadBothWays() throws Exception {
    ProcessorEfficiencyBench.Result r = new ProcessorEfficiencyBench(40, 5).run();
    System.out.println(r.markdown());

    assertThat(r.records()).isEqualTo(200);
    assertThat(r.rawPerSecond()).isPositive();
    assertThat(r.processorPerSecond()).isPositive();
    assertThat(r.markdown()).contains("| 40 x 5 | 200 |");
  }
}
