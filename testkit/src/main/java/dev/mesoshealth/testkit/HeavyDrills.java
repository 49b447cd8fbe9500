package dev.mesoshealth.testkit;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Drills that boot many JVMs at once (the compose file's services, collectors taking over from each
 * other) take turns on a build machine. Two of them together starve each other, and the broker they
 * share the cores with, of CPU for seconds, and a drill that judges timeliness then fails for the
 * machine, not for the product. The turn is a file lock every test JVM on the machine sees, so it
 * holds across modules and forks.
 */
public final class HeavyDrills {
  private static final Path LOCK =
      Path.of(System.getProperty("java.io.tmpdir"), "mesos-health-heavy-drill.lock");

  private HeavyDrills() {}

  /** Waits until no other heavy drill runs; the turn ends when the result is closed. */
  public static AutoCloseable turn() throws IOException {
    FileChannel channel =
        FileChannel.open(LOCK, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.lock();
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    return () -> {
      lock.release();
      channel.close();
    };
  }
}
