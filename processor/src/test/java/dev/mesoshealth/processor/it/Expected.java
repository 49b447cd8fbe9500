package dev.mesoshealth.processor.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesoshealth.events.HealthTransition;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What the input of {@link Inputs} must make, worked out by hand from the documented rules rather
 * than by running the same topology: a first healthy poll applies at once, K = 2 failed polls enter
 * UNREACHABLE, M = 3 good ones leave it.
 */
final class Expected {
  private Expected() {}

  /**
   * Agent 3's node transitions over the first {@code rounds} rounds (one a second from {@code
   * base}): it fails in rounds 5-9, 25-29 and 45-49, since (3 + r / 5) % 4 == 0 there.
   */
  static List<String> agent3(String prefix, Instant base, int rounds) {
    String id = Inputs.agentId(prefix, 3);
    int[][] roundAndChange = {
      {0, 0}, {6, 1}, {12, 2}, {26, 1}, {32, 2}, {46, 1}, {52, 2},
    };
    String[] changes = {"UNKNOWN>HEALTHY", "HEALTHY>UNREACHABLE", "UNREACHABLE>HEALTHY"};
    return java.util.Arrays.stream(roundAndChange)
        .filter(rc -> rc[0] < rounds)
        .map(rc -> id + " " + changes[rc[1]] + " at " + base.plusSeconds(rc[0]))
        .toList();
  }

  /**
   * The cluster's transitions depend on how signals from many partitions interleave in the
   * repartition topic, which differs from run to run; what must hold is one unbroken chain (each
   * starts where the last ended), so none was doubled or lost, and that there is one.
   */
  static void assertClusterChain(
      List<ConsumerRecord<String, HealthTransition>> records, String key) {
    String previous = "UNKNOWN";
    for (ConsumerRecord<String, HealthTransition> r : records) {
      if (r.key().equals(key)) {
        assertThat(r.value().getFrom().name())
            .as("cluster transition at %s starts where the last ended", r.value().getAt())
            .isEqualTo(previous);
        previous = r.value().getTo().name();
      }
    }
    assertThat(previous).as("the cluster made transitions").isNotEqualTo("UNKNOWN");
  }
}
