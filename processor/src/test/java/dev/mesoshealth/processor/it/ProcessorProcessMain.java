package dev.mesoshealth.processor.it;

import dev.mesoshealth.processor.ProcessorConfig;
import dev.mesoshealth.processor.ProcessorMain;
import dev.mesoshealth.service.ServiceConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** Runs a processor in its own JVM, so a test can kill it for real (SIGKILL). */
public final class ProcessorProcessMain {
  private ProcessorProcessMain() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> flags = new LinkedHashMap<>();
    for (String a : args) {
      int eq = a.indexOf('=');
      flags.put(a.substring(0, eq), a.substring(eq + 1));
    }
    ProcessorMain.start(
        ProcessorConfig.from(
            ServiceConfig.parse(
                ProcessorConfig.DEFINITION,
                new ServiceConfig.Sources().flags(flags),
                ProcessorConfig.PASS_THROUGH)));
    System.out.println("processor running");
    new CountDownLatch(1).await();
  }
}
