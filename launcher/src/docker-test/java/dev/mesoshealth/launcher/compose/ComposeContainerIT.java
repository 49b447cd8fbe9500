package dev.mesoshealth.launcher.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.ComposeContainer;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * The real docker-compose.yml under a Docker engine (profile {@code docker}: {@code ./mvnw verify
 * -Pdocker -pl launcher -am}); our machines have no engine and have not run it, ComposeBootIT
 * plays the same file process by process instead. Every service that has a health check becomes
 * healthy, and an agent taken down in the simulator is drained on HAProxy's stats page.
 */
class ComposeContainerIT {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static String get(String url) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
        .body();
  }

  @Test
  void theComposeFileComesUpAndAFaultDrainsAServer() throws Exception {
    try (ComposeContainer compose =
        new ComposeContainer(new File("../docker-compose.yml"))
            .withBuild(true)
            .withExposedService("mesos-sim", 5099, Wait.forHealthcheck())
            .withExposedService("processor-1", 8081, Wait.forHealthcheck())
            .withExposedService("haproxy", 8404, Wait.forHealthcheck())
            .withExposedService("etcd-updater", 9103, Wait.forHealthcheck())
            .withExposedService("haproxy-updater", 9102, Wait.forHealthcheck())
            .withExposedService("alerter", 9104, Wait.forHealthcheck())
            .withExposedService("connect", 8083, Wait.forHealthcheck())
            .withStartupTimeout(Duration.ofMinutes(10))) {
      compose.start();
      String sim =
          "http://"
              + compose.getServiceHost("mesos-sim", 5099)
              + ":"
              + compose.getServicePort("mesos-sim", 5099);
      String stats =
          "http://"
              + compose.getServiceHost("haproxy", 8404)
              + ":"
              + compose.getServicePort("haproxy", 8404)
              + "/;csv";
      await("servers in rotation")
          .atMost(Duration.ofMinutes(2))
          .ignoreExceptions()
          .until(() -> get(stats).contains(",no check,"));
      HTTP.send(
          HttpRequest.newBuilder(URI.create(sim + "/v1/faults"))
              .header("Content-Type", "application/json")
              .POST(
                  HttpRequest.BodyPublishers.ofString(
                      "{\"kind\":\"DOWN\",\"target\":\"random-agent\",\"duration\":\"10m\"}"))
              .build(),
          HttpResponse.BodyHandlers.ofString());
      await("a server drained or in maintenance after the fault")
          .atMost(Duration.ofMinutes(2))
          .ignoreExceptions()
          .untilAsserted(() -> assertThat(get(stats)).containsPattern(",(MAINT|DRAIN)[^,]*,"));
    }
  }
}
