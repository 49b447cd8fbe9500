package dev.mesoshealth.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The serde benchmark runs (in-process, a fraction of a second per method; real runs by hand). */
class SerdeBenchIT {
  @Test
  void everyMethodRunsAndTheTableHasBothFormats() throws Exception {
    String table = SerdeBench.table(SerdeBench.measure(true));
    System.out.println(table);

    assertThat(table)
        .contains("| Avro single-object (ours) |")
        .contains("| Jackson JSON, same data |");
    assertThat(table).doesNotContain("null");
  }
}
