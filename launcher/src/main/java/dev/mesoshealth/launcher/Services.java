package dev.mesoshealth.launcher;

import java.util.concurrent.CountDownLatch;

/** Runs a started service until the JVM is asked to stop (Ctrl-C, SIGTERM), then closes it. */
final class Services {
  private Services() {}

  static int runUntilStopped(AutoCloseable service, String name) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    service.close();
                  } catch (Exception e) {
                    System.err.println(name + ": stopping: " + e.getMessage());
                  }
                  stopped.countDown();
                },
                name + "-shutdown"));
    stopped.await();
    return 0;
  }
}
