package dev.mesoshealth.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesoshealth.sim.cluster.FaultKind;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A short run of the end-to-end benchmark, so the harness keeps working: it must count every
 * snapshot through to the processor and see every injected fault. Its timings are not asserted (the
 * real runs, and their figures, are in docs/benchmarks.md).
 */
class E2eBenchIT {
  @Test
  void aSmallRunLosesNothingAndSeesEveryFault() throws Exception {
    E2eBench.Result r =
        new E2eBench(
                new E2eBench.Options(
                    12,
                    3,
                    3, // partitions, as the other ITs (the real runs: production's twelve)
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(15),
                    Duration.ofSeconds(3),
                    null,
                    5,
                    false,
                    Map.of(),
                    Map.of(),
                    List.of(FaultKind.DOWN, FaultKind.HUNG)))
            .run();
    System.out.println(r.markdown());

    assertThat(r.lossless())
        .as(
            "made %d, on topic %d, evaluated %d",
            r.snapshotsMade(), r.snapshotsOnTopic(), r.snapshotsEvaluated())
        .isTrue();
    assertThat(r.snapshotsMade()).isGreaterThan(12L * 15);
    assertThat(r.faults()).isGreaterThanOrEqualTo(2);
    assertThat(r.detected()).isEqualTo(r.faults());
    assertThat(r.pipelineMaxMs())
        .as("the pipeline's part is inside the whole detection latency")
        .isPositive()
        .isLessThanOrEqualTo(r.latencyMaxMs());
    assertThat(r.falseAlarms()).as("healthy agents never reported sick").isZero();
    assertThat(r.startupAlarms())
        .as("no node, master or cluster reported sick while the pipeline started")
        .isZero();
    // loose: K = 2 polls of 1 s, plus a generous allowance for a loaded CI machine
    assertThat(r.latencyMaxMs()).as("slowest detection, ms").isLessThan(15_000);
    assertThat(r.cpuCores()).containsKeys("simulator", "collector", "processor", "whole process");
    assertThat(r.markdown()).contains("| 12 | 1s |");
    assertThat(r.byKind())
        .extracting(E2eBench.KindDetection::kind)
        .containsExactly(FaultKind.DOWN, FaultKind.HUNG);
    assertThat(r.byKind())
        .as("refused and hung agents alike are detected")
        .allSatisfy(k -> assertThat(k.detected()).isEqualTo(k.faults()));
  }
}
