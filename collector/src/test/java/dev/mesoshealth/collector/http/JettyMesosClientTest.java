package dev.mesoshealth.collector.http;

import java.time.Duration;

/** Every case of {@link HttpMesosClientTest}, against the Jetty client (http.client=jetty). */
class JettyMesosClientTest extends HttpMesosClientTest {
  @Override
  MesosClient newClient(HttpMesosClient jdk) {
    return JettyMesosClient.start(
        Duration.ofSeconds(1), Duration.ofSeconds(30), null, DEADLINE, Credentials.NONE, jdk);
  }
}
