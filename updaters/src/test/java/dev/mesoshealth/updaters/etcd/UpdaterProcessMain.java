package dev.mesoshealth.updaters.etcd;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** Runs an etcd updater in its own process, so a test can kill it for real (SIGKILL). */
public final class UpdaterProcessMain {
  private UpdaterProcessMain() {}

  public static void main(String[] args) throws InterruptedException {
    Map<String, String> flags = new LinkedHashMap<>();
    for (String a : args) {
      int eq = a.indexOf('=');
      flags.put(a.substring(0, eq), a.substring(eq + 1));
    }
    EtcdUpdaterMain.start(EtcdUpdaterConfig.fromFlags(flags));
    System.out.println("etcd-updater running");
    new CountDownLatch(1).await();
  }
}
