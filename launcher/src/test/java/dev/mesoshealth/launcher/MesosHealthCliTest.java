package dev.mesoshealth.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MesosHealthCliTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private PrintStream originalOut;
  private PrintStream originalErr;

  @BeforeEach
  void capture() {
    originalOut = System.out;
    originalErr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    System.setOut(originalOut);
    System.setErr(originalErr);
  }

  @Test
  void helpListsTheCommand() {
    int code = MesosHealthCli.run("--help");

    assertThat(code).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("Usage: mesos-health");
  }

  @Test
  void versionComesFromTheBuild() {
    int code = MesosHealthCli.run("--version");

    assertThat(code).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .containsPattern("mesos-health \\d+\\.\\d+\\.\\d+")
        .contains("Java " + System.getProperty("java.version"));
  }

  @Test
  void unknownFlagIsOneClearLineAndExitTwo() {
    int code = MesosHealthCli.run("--bogus");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .startsWith("mesos-health: Unknown option: '--bogus'")
        .contains("Try 'mesos-health --help'.")
        .doesNotContain("Exception");
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(
      strings = {
        "demo",
        "sim",
        "collector",
        "processor",
        "console",
        "haproxy-updater",
        "etcd-updater",
        "bi-sink",
        "config"
      })
  void everySubcommandHasHelp(String command) {
    int code = MesosHealthCli.run(command, "--help");

    assertThat(code).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("Usage: mesos-health " + command);
  }

  @Test
  void aBadConfigurationIsOneLineAndExitOne() {
    int code =
        MesosHealthCli.run(
            "collector",
            "--once",
            "--print",
            "--set",
            "pol.interval=5s",
            "--master",
            "http://127.0.0.1:1");

    assertThat(code).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8).trim())
        .isEqualTo(
            "collector: unknown configuration key 'pol.interval' (flag for pol.interval); did you mean 'poll.interval'?");
  }

  @Test
  void demoRefusesBadFlagsWithOneLine() {
    assertThat(MesosHealthCli.run("demo", "--agents", "0")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("demo: --agents must be 1..15000");
    assertThat(MesosHealthCli.run("demo", "--poll-interval", "soon")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("'soon' is not a duration");
  }
}
