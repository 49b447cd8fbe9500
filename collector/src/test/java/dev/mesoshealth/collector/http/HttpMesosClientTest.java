package dev.mesoshealth.collector.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mesoshealth.collector.core.PollResult;
import dev.mesoshealth.events.Outcome;
import dev.mesoshealth.sim.SimConfig;
import dev.mesoshealth.sim.cluster.FaultKind;
import dev.mesoshealth.sim.cluster.FaultSpec;
import dev.mesoshealth.sim.cluster.SimAgent;
import dev.mesoshealth.testkit.SimulatorExtension;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The JDK HTTP client against a simulated cluster and against servers that misbehave; {@link
 * JettyMesosClientTest} runs every case against the Jetty client.
 */
class HttpMesosClientTest {
  @RegisterExtension
  static final SimulatorExtension cluster = new SimulatorExtension(SimConfig.forTests(1, 6, 3));

  static final Duration DEADLINE = Duration.ofMillis(800);
  private static final long FOUR_MIB = 4L * 1024 * 1024;
  private final ExecutorService threads = Executors.newFixedThreadPool(2);
  private final MesosClient client = newClient(jdkClient(threads));

  static HttpMesosClient jdkClient(ExecutorService threads) {
    return new HttpMesosClient(
        HttpMesosClient.newHttpClient(Duration.ofSeconds(1), null, threads),
        DEADLINE,
        Credentials.NONE);
  }

  /** The client under test; the JDK one here. */
  MesosClient newClient(HttpMesosClient jdk) {
    return jdk;
  }

  @AfterEach
  void closeClient() throws Exception {
    if (client instanceof AutoCloseable c) {
      c.close();
    }
    threads.shutdownNow();
  }

  private PollResult get(String url) {
    return client.get(URI.create(url), FOUR_MIB).join();
  }

  private String agentUrl(int i) {
    SimAgent a = cluster.sim().cluster().agents().get(i);
    return cluster.sim().agentUrl(a) + "/metrics/snapshot";
  }

  @Test
  void answeredPollIsAResponseWithTheBody() {
    PollResult r = get(agentUrl(0));

    assertThat(r).isInstanceOf(PollResult.Response.class);
    assertThat(((PollResult.Response) r).status()).isEqualTo(200);
    assertThat(new String(((PollResult.Response) r).body())).contains("slave/uptime_secs");
  }

  @Test
  void refusedConnectionIsUnreachable() {
    cluster
        .sim()
        .inject(
            FaultSpec.of(
                FaultKind.DOWN,
                cluster.sim().cluster().agents().get(1).id(),
                Duration.ofMinutes(5)));
    awaitRefused(agentUrl(1));

    PollResult r = get(agentUrl(1));

    assertThat(r)
        .isEqualTo(
            new PollResult.Failure(Outcome.UNREACHABLE, null, "connection refused", r.took()));
  }

  /** The simulator closes a DOWN agent's port on its loop: a fast client could get there first. */
  private static void awaitRefused(String url) {
    URI u = URI.create(url);
    await("the agent's port closed")
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> {
              try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress(u.getHost(), u.getPort()), 500);
                return false;
              } catch (ConnectException refused) {
                return true;
              }
            });
  }

  @Test
  void hungServerIsATimeoutAfterTheDeadline() {
    cluster
        .sim()
        .inject(
            FaultSpec.of(
                FaultKind.HUNG,
                cluster.sim().cluster().agents().get(2).id(),
                Duration.ofMinutes(5)));

    PollResult r = get(agentUrl(2));

    assertThat(r).isInstanceOf(PollResult.Failure.class);
    assertThat(((PollResult.Failure) r).outcome()).isEqualTo(Outcome.TIMEOUT);
    assertThat(r.took()).isBetween(Duration.ofMillis(750), Duration.ofSeconds(3));
  }

  @Test
  void errorStatusIsAnHttpErrorWithTheStatus() {
    cluster
        .sim()
        .inject(
            new FaultSpec(
                FaultKind.HTTP_ERROR,
                cluster.sim().cluster().agents().get(3).id(),
                Duration.ofMinutes(5),
                java.util.Map.of("status", "503")));

    PollResult.Failure f = (PollResult.Failure) get(agentUrl(3));

    assertThat(f.outcome()).isEqualTo(Outcome.HTTP_ERROR);
    assertThat(f.status()).isEqualTo(503);
    assertThat(f.error()).startsWith("HTTP 503: 'simulated error 503'");
  }

  @Test
  void declaredFiftyMebibyteBodyIsRefusedWithoutReadingIt() throws Exception {
    try (BadServer server =
        new BadServer(
            out -> {
              BadServer.write(
                  out,
                  "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 52428800\r\n\r\n{");
              byte[] chunk = new byte[64 * 1024];
              for (int i = 0; i < 800; i++) {
                out.write(chunk);
              }
            })) {
      long start = System.nanoTime();
      PollResult.Failure f = (PollResult.Failure) get(server.url("/metrics/snapshot"));

      assertThat(f.outcome()).isEqualTo(Outcome.INVALID);
      assertThat(f.error()).isEqualTo("response larger than 4194304 bytes");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    }
  }

  @Test
  void undeclaredHugeBodyIsCutAtTheLimit() throws Exception {
    try (BadServer server =
        new BadServer(
            out -> {
              BadServer.write(
                  out,
                  "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n");
              byte[] chunk = new byte[64 * 1024];
              java.util.Arrays.fill(chunk, (byte) '1');
              for (int i = 0; i < 800; i++) {
                out.write(chunk);
              }
            })) {
      PollResult.Failure f = (PollResult.Failure) get(server.url("/metrics/snapshot"));

      assertThat(f.outcome()).isEqualTo(Outcome.INVALID);
      assertThat(f.error()).contains("larger than");
    }
  }

  @Test
  void bodyThatNeverEndsTimesOut() throws Exception {
    try (BadServer server =
        new BadServer(
            out -> {
              BadServer.write(
                  out,
                  "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
              while (true) {
                BadServer.write(out, "1\r\n{\r\n");
                Thread.sleep(50); // trickle one byte at a time, forever
              }
            })) {
      PollResult.Failure f = (PollResult.Failure) get(server.url("/metrics/snapshot"));

      assertThat(f.outcome()).isEqualTo(Outcome.TIMEOUT);
      assertThat(f.took()).isLessThan(Duration.ofSeconds(3));
    }
  }

  @Test
  void serverThatClosesWithoutAnswerIsUnreachable() throws Exception {
    try (BadServer server = new BadServer(out -> out.close())) {
      PollResult.Failure f = (PollResult.Failure) get(server.url("/metrics/snapshot"));

      assertThat(f.outcome()).isEqualTo(Outcome.UNREACHABLE);
      assertThat(f.error()).startsWith("connection failed");
    }
  }
}
