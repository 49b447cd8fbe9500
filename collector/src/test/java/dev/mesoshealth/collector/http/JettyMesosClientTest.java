package dev.mesoshealth.collector.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mesoshealth.sim.cluster.SimAgent;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** Every case of {@link HttpMesosClientTest}, against the Jetty client (http.client=jetty). */
class JettyMesosClientTest extends HttpMesosClientTest {
  @Override
  MesosClient newClient(HttpMesosClient jdk) {
    return start(1000, jdk);
  }

  private static JettyMesosClient start(int maxOpen, HttpMesosClient jdk) {
    return JettyMesosClient.start(
        Duration.ofSeconds(1),
        Duration.ofSeconds(30),
        maxOpen,
        null,
        DEADLINE,
        Credentials.NONE,
        jdk);
  }

  @Test
  void keepsNoMoreConnectionsOpenThanItsBudget() throws Exception {
    // agents 1 to 3 are faulted by other cases of this class, in whatever order they ran
    List<SimAgent> all6 = cluster.sim().cluster().agents();
    List<SimAgent> agents = List.of(all6.get(0), all6.get(4), all6.get(5));
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try (JettyMesosClient two = start(2, jdkClient(threads))) {
      for (int round = 0; round < 2; round++) {
        for (SimAgent a : agents) {
          two.get(snapshot(a), 1 << 20).join();
        }
      }
      // the kernel's word, not the client's own count; at most two: a close counted a moment
      // late makes the next poll close its connection too
      await("no more than two connections left open, the rest closed after their answer")
          .atMost(Duration.ofSeconds(5))
          .until(() -> established(agents) <= 2);
      assertThat(two.openConnections()).isLessThanOrEqualTo(2);
    }
    try (JettyMesosClient roomy = start(1000, jdkClient(threads))) {
      await("the first client's connections closed")
          .atMost(Duration.ofSeconds(5))
          .until(() -> established(agents) == 0);
      for (SimAgent a : agents) {
        roomy.get(snapshot(a), 1 << 20).join();
      }
      assertThat(established(agents))
          .as("within its budget: one kept per agent")
          .isEqualTo(agents.size());
      assertThat(roomy.openConnections()).isEqualTo(agents.size());
    } finally {
      threads.shutdownNow();
    }
  }

  private static URI snapshot(SimAgent a) {
    return URI.create(cluster.sim().agentUrl(a) + "/metrics/snapshot");
  }

  /**
   * The ESTABLISHED TCP connections to the agents (their client ends), from /proc/net/tcp and tcp6,
   * where an IPv4 address mapped into IPv6 ends in the same eight hex digits.
   */
  private static int established(List<SimAgent> agents) throws Exception {
    Set<String> remotes = new HashSet<>();
    for (SimAgent a : agents) {
      URI u = URI.create(cluster.sim().agentUrl(a));
      byte[] ip = InetAddress.getByName(u.getHost()).getAddress();
      byte[] reversed = {ip[3], ip[2], ip[1], ip[0]}; // the kernel's byte order
      remotes.add(
          HexFormat.of().withUpperCase().formatHex(reversed) + String.format(":%04X", u.getPort()));
    }
    int n = 0;
    for (String file : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path p = Path.of(file);
      if (!Files.exists(p)) {
        continue;
      }
      List<String> lines = Files.readAllLines(p);
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.trim().split("\\s+");
        String remote = f[2];
        String tail = remote.substring(remote.length() - 13); // 8 hex digits, ':', the port
        if (f[3].equals("01") && remotes.contains(tail)) {
          n++;
        }
      }
    }
    return n;
  }
}
