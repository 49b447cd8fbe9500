package dev.mesoshealth.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The state harness works end to end on a tiny cluster, on three partitions as the other ITs (the
 * real runs, on production's twelve, are by hand).
 */
class ProcessorStateBenchIT {
  @Test
  void queriesTakeoversAndARestoreOnATinyCluster() throws Exception {
    ProcessorStateBench.Result r = new ProcessorStateBench(30, 2, 300, 3).run();
    System.out.println(r.markdown());

    assertThat(r.records()).isEqualTo(60);
    assertThat(r.queries()).isEqualTo(300);
    // loose bounds, far beyond the figures in docs/benchmarks.md
    assertThat(r.p50()).isPositive().isLessThanOrEqualTo(r.p99());
    assertThat(r.p99()).as("query p99, ms").isLessThan(1_000);
    assertThat(r.warmTakeover()).isPositive().isLessThan(Duration.ofSeconds(60));
    assertThat(r.coldTakeover()).isPositive().isLessThan(Duration.ofSeconds(60));
    assertThat(r.freshRestore()).isPositive().isLessThan(Duration.ofSeconds(60));
    assertThat(r.markdown()).contains("| 300 |");
  }
}
