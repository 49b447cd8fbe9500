package dev.mesoshealth.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TempDirsTest {
  /** A JVM that makes a directory with files in it, says where, and exits. */
  public static final class Child {
    public static void main(String[] args) throws Exception {
      Path dir = TempDirs.create("temp-dirs-test-");
      Files.createDirectories(dir.resolve("store/0_1"));
      Files.writeString(dir.resolve("store/0_1/000001.sst"), "rocksdb's files");
      System.out.println(dir);
    }
  }

  @Test
  void aDirectoryAndWhatIsInItAreGoneWhenTheJvmExits() throws Exception {
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Child.class.getName())
            .redirectErrorStream(true)
            .start();
    String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).as(out).isZero();
    Path dir = Path.of(out.lines().reduce((a, b) -> b).orElseThrow());
    assertThat(dir.getFileName().toString()).startsWith("temp-dirs-test-");
    assertThat(dir).doesNotExist();
  }
}
