package dev.mesoshealth.updaters.etcd;

import static org.awaitility.Awaitility.await;

import dev.mesoshealth.broker.EmbeddedKafkaBroker;
import dev.mesoshealth.testkit.Prerequisites;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** A real etcd (Debian's etcd-server) on free ports with its own data directory. */
public final class EtcdProcess implements AutoCloseable {
  private final Process process;
  private final int clientPort;

  public EtcdProcess(Path dir) throws IOException {
    Path etcd = Prerequisites.executable("etcd-server", "/usr/bin/etcd");
    clientPort = EmbeddedKafkaBroker.freePort();
    int peerPort = EmbeddedKafkaBroker.freePort();
    String client = "http://127.0.0.1:" + clientPort;
    String peer = "http://127.0.0.1:" + peerPort;
    process =
        new ProcessBuilder(
                List.of(
                    etcd.toString(),
                    "--name=test",
                    "--data-dir=" + dir.resolve("etcd-data"),
                    "--listen-client-urls=" + client,
                    "--advertise-client-urls=" + client,
                    "--listen-peer-urls=" + peer,
                    "--initial-advertise-peer-urls=" + peer,
                    "--initial-cluster=test=" + peer,
                    "--log-level=warn"))
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("etcd.log").toFile())
            .start();
    await("etcd listening")
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .until(
            () -> {
              try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", clientPort), 200);
                return true;
              }
            });
  }

  public String url() {
    return "http://127.0.0.1:" + clientPort;
  }

  @Override
  public void close() {
    process.destroyForcibly();
    await("etcd gone").atMost(Duration.ofSeconds(10)).until(() -> !process.isAlive());
  }
}
