package dev.mesoshealth.updaters.haproxy;

import static org.awaitility.Awaitility.await;

import dev.mesoshealth.testkit.Prerequisites;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** A real HAProxy (Debian's haproxy) started by a test, with an admin socket, in the foreground. */
public final class HaproxyProcess implements AutoCloseable {
  private final Path binary;
  private final Path config;
  private final Path log;
  private final Path socket;
  private Process process;

  public HaproxyProcess(Path dir, String backends) throws IOException {
    this.binary = Prerequisites.executable("haproxy", "/usr/sbin/haproxy", "/usr/bin/haproxy");
    this.socket = dir.resolve("admin.sock");
    this.config = dir.resolve("haproxy.cfg");
    this.log = dir.resolve("haproxy.log");
    Files.writeString(
        config,
        "global\n"
            + "  stats socket "
            + socket
            + " mode 600 level admin\n"
            + "defaults\n"
            + "  mode http\n"
            + "  option http-server-close\n"
            + "  timeout connect 1s\n"
            + "  timeout client 5s\n"
            + "  timeout server 5s\n"
            + backends);
  }

  public String socket() {
    return socket.toString();
  }

  public void start() throws IOException {
    Files.deleteIfExists(socket);
    process =
        new ProcessBuilder(List.of(binary.toString(), "-db", "-f", config.toString()))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    RuntimeApi api = new RuntimeApi(socket.toString(), Duration.ofSeconds(1));
    await("HAProxy's admin socket")
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptions()
        .until(() -> !api.servers().isEmpty());
  }

  /** Stops it the hard way, as a crash would. */
  public void kill() {
    if (process != null) {
      process.destroyForcibly();
      await("HAProxy gone").atMost(Duration.ofSeconds(10)).until(() -> !process.isAlive());
      process = null;
    }
  }

  @Override
  public void close() {
    kill();
  }
}
