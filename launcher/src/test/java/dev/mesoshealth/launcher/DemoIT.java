package dev.mesoshealth.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mesoshealth.broker.EmbeddedKafkaBroker;
import dev.mesoshealth.processor.ProcessorMain;
import dev.mesoshealth.sim.cluster.SimAgent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo in-process: a fault injected over the control API shows up over REST; stop is clean. */
class DemoIT {
  private static final List<String> OUR_THREADS =
      List.of(
          "mesos-sim",
          "console-",
          "collector-",
          "http-",
          "kafka-",
          "StreamThread",
          "topic-creator",
          "broker-",
          "controller-",
          "quorum-");
  private final HttpClient http = HttpClient.newHttpClient();

  @TempDir Path dir;

  private String get(String url) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private int post(String url, String json) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .statusCode();
  }

  /** Two free ports in a row (the broker's and its controller's), from {@code freePort}. */
  private static int twoFreePorts() {
    for (int attempt = 0; attempt < 50; attempt++) {
      int p = EmbeddedKafkaBroker.freePort();
      if (p < 65535 && free(p + 1)) {
        return p;
      }
    }
    throw new IllegalStateException("no two free ports in a row");
  }

  private static boolean free(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static Set<String> ourThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(n -> OUR_THREADS.stream().anyMatch(n::startsWith))
        .collect(Collectors.toSet());
  }

  @Test
  void anAgentFailureShowsUpOverRestAndStoppingLeavesNothingBehind() throws Exception {
    Path scenario = Files.writeString(dir.resolve("quiet.yaml"), "steps: []\n");
    int kafkaPort = twoFreePorts();
    Demo.Options options =
        new Demo.Options(
            20,
            3,
            Duration.ofSeconds(2),
            7,
            scenario,
            0,
            0,
            null,
            dir.resolve("data"),
            false,
            kafkaPort,
            false,
            null,
            null,
            null);
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    Demo demo = Demo.start(options, new PrintStream(out, true, StandardCharsets.UTF_8));
    // the same seed gives the second run the same agents
    SimAgent victim = demo.sim().cluster().agents().get(3);
    String api = demo.apiUrl();
    int apiPort = URI.create(api).getPort();
    try {
      assertThat(out.toString(StandardCharsets.UTF_8))
          .contains("Console:         " + demo.consoleUrl() + "/")
          .contains("REST API:        " + api)
          .contains("Kafka:           127.0.0.1:" + kafkaPort)
          .contains("Simulator:       " + demo.sim().controlUrl())
          .contains("Stop with Ctrl-C.");

      await("the agent is HEALTHY")
          .atMost(Duration.ofSeconds(90))
          .until(
              () ->
                  get(api + "/v1/nodes/" + victim.id() + "/health")
                      .contains("\"state\":\"HEALTHY\""));

      assertThat(
              post(
                  demo.sim().controlUrl() + "/v1/faults",
                  "{\"kind\":\"DOWN\",\"target\":\"" + victim.id() + "\"}"))
          .isEqualTo(201);

      await("the failure shows up over REST")
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  get(api + "/v1/nodes/" + victim.id() + "/health")
                      .contains("\"state\":\"UNREACHABLE\""));
      await("and in the console's view")
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  get(demo.consoleUrl() + "/api/nodes/" + victim.id())
                      .contains("\"state\":\"UNREACHABLE\""));
      assertThat(get(demo.consoleUrl() + "/")).contains("<title>mesos-health</title>");
    } finally {
      long stopping = System.nanoTime();
      demo.close();
      // every part stops at once, and none may run into its deadline (the longest is the
      // processor's). About 2 s on a quiet machine; the build's drill shares two cores with the
      // compose drill's fifteen processes, where it once took 11.6 s without any deadline hit
      Duration stop = Duration.ofNanos(System.nanoTime() - stopping);
      System.out.println("Ctrl-C path: " + stop.toMillis() + " ms");
      assertThat(stop).as("Ctrl-C path").isLessThan(ProcessorMain.CLOSE_TIMEOUT);
    }
    await("no thread of ours left")
        .atMost(Duration.ofSeconds(10))
        .until(() -> ourThreads().isEmpty());
    assertThat(free(apiPort)).as("REST port released").isTrue();
    assertThat(free(kafkaPort)).as("Kafka port released").isTrue();
    assertThat(free(kafkaPort + 1)).as("controller port released").isTrue();

    long restart = System.nanoTime();
    Demo again =
        Demo.start(
            options, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    try {
      Duration startup = Duration.ofNanos(System.nanoTime() - restart);
      System.out.println("second start from kept data: " + startup.toMillis() + " ms");
      assertThat(startup).isLessThan(Duration.ofSeconds(30));
      await("the kept state answers at once")
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  get(again.apiUrl() + "/v1/clusters/demo/health")
                      .contains("\"cluster\":\"demo\""));
      // the second simulator has no fault: only kept state knows the victim was UNREACHABLE (its
      // partition may still be restoring when the cluster's answers, and then says 503: wait)
      await("the first run's outage in the victim's history, from the kept state")
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  get(again.apiUrl() + "/v1/nodes/" + victim.id() + "/history")
                      .contains("\"worst\":\"UNREACHABLE\""));
    } finally {
      again.close();
    }
  }
}
