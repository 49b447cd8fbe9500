package dev.mesoshealth.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** bench/run's command line: every benchmark is there with its options. */
class BenchMainTest {
  @Test
  void everyBenchmarkHasHelpAndABadOptionIsRefused() {
    for (String bench : new String[] {"e2e", "sim", "processor", "collector", "state", "serde"}) {
      StringWriter out = new StringWriter();
      CommandLine cli = new CommandLine(new BenchMain()).setOut(new PrintWriter(out));
      assertThat(cli.execute(bench, "--help")).as(bench).isZero();
      assertThat(out.toString()).contains("Usage: bench/run " + bench);
    }
    CommandLine cli = new CommandLine(new BenchMain()).setErr(new PrintWriter(new StringWriter()));
    assertThat(cli.execute("e2e", "--poll-interval", "soon")).isNotZero();
  }
}
