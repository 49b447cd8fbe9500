package dev.mesoshealth.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesoshealth.testkit.HeavyDrills;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Three collector JVMs sharing 300 agents (polled every 5 s) through their Kafka group and two
 * processor JVMs, one broker, topics of three partitions as in the other ITs. (The issue asked
 * 3,000 agents: at 3,000 the drill did not warm up on the CI machine, sharing two cores with the
 * rest of the build, and at 1,000 it was still the build's second dearest test; the takeover is the
 * same at 300. {@code bench e2e --collectors 3 --processors 2} runs the same code at 3,000 and
 * 5,000 with production's partitions: docs/benchmarks.md.) The collector that polls the masters
 * dies by SIGKILL: the two others must poll everything it polled within the session timeout plus
 * one interval, and no node may turn UNKNOWN, UNREACHABLE or UNHEALTHY because of it; a fourth
 * collector joins and the agents spread over all; nothing a collector polled before stopping in
 * order is lost, and the processors evaluate everything.
 */
class CollectorTakeoverIT {
  private static final int AGENTS = 300;

  @Test
  // the build's 5 minutes, plus waiting for the other heavy drill to finish its turn
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  @SuppressWarnings("try") // the turn is held, not used
  void aKilledCollectorsAgentsMoveToTheOthersAndAJoiningOneTakesItsShare() throws Exception {
    ScaleOutBench.Result r;
    try (AutoCloseable turn = HeavyDrills.turn()) {
      r =
          new ScaleOutBench(
                  new ScaleOutBench.Options(
                      AGENTS,
                      3, // partitions, as the other ITs: processors start and stop sooner
                      3,
                      2,
                      // half the default interval: the drill's waits (the warm-up, three
                      // intervals for a verdict on the kill) are counted in intervals
                      Duration.ofSeconds(5),
                      Duration.ofSeconds(6), // the broker's least session timeout
                      Duration.ofSeconds(3), // a window for the CPU figures, without faults:
                      Duration.ofSeconds(10), // detection is E2eBenchIT's
                      // as the build's test JVMs: small and quick to start
                      List.of(
                          "-Xmx256m",
                          "-XX:TieredStopAtLevel=1",
                          "-XX:+UseSerialGC",
                          "-XX:CICompilerCount=1",
                          "-Djava.util.concurrent.ForkJoinPool.common.parallelism=2"),
                      11))
              .run();
    }
    System.out.println(r.markdown());

    ScaleOutBench.Takeover t = r.takeover();
    assertThat(t.itsNodes()).as("the killed collector's share").isGreaterThan(AGENTS / 6);
    assertThat(t.repolled()).as("its nodes polled again by the others").isEqualTo(t.itsNodes());
    assertThat(t.lastRepolledAfter())
        .as("the last of them polled again after the kill")
        .isLessThanOrEqualTo(r.takeoverBound());
    assertThat(t.mastersRepolledAfter()).isPositive().isLessThanOrEqualTo(r.takeoverBound());
    assertThat(t.alarms()).as("nodes that turned bad after the kill").isEmpty();

    assertThat(r.agentsAfterJoin()).hasSize(3);
    assertThat(r.agentsAfterJoin().values())
        .as("every agent polled by exactly one collector, each with a fair share")
        .allSatisfy(n -> assertThat(n).isBetween(AGENTS / 6, AGENTS / 2));
    assertThat(r.agentsAfterJoin().values().stream().mapToInt(Integer::intValue).sum())
        .isEqualTo(AGENTS);
    assertThat(r.faults()).isZero();
    assertThat(r.cores()).containsKeys("3 collectors", "2 processors");
    assertThat(r.snapshotsPerSecond()).as("300 agents every 5 s").isGreaterThan(AGENTS / 10.0);

    assertThat(r.madeAndOnTopic()).hasSize(3);
    assertThat(r.lossless())
        .as(
            "polls made vs on the topic, per collector: %s; on the topic %d, evaluated %d",
            r.markdown(), r.onTopic(), r.evaluated())
        .isTrue();
  }
}
