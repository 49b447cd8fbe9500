package dev.mesoshealth.processor.it;

import dev.mesoshealth.processor.ProcessorConfig;
import dev.mesoshealth.processor.ProcessorMain;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** Runs a processor in its own JVM, so a test can kill it for real (SIGKILL). */
public final class ProcessorProcessMain {
  private ProcessorProcessMain() {}

  /** Starts a processor JVM with these flags, its output going to {@code log}. */
  static Process spawn(Map<String, String> flags, Path log) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    // the test JVM's own tuning (the build's test.jvm.args), so the child costs no more CPU
    ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("-XX:"))
        .forEach(command::add);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(ProcessorProcessMain.class.getName());
    flags.forEach((k, v) -> command.add(k + "=" + v));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> flags = new LinkedHashMap<>();
    for (String a : args) {
      int eq = a.indexOf('=');
      flags.put(a.substring(0, eq), a.substring(eq + 1));
    }
    ProcessorMain.start(ProcessorConfig.fromFlags(flags));
    System.out.println("processor running");
    new CountDownLatch(1).await();
  }
}
