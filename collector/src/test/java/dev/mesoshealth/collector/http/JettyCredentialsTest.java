package dev.mesoshealth.collector.http;

import java.net.http.HttpClient;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/** Every case of {@link CredentialsTest}, with the Jetty client (http.client=jetty). */
class JettyCredentialsTest extends CredentialsTest {
  @Override
  MesosClient client(HttpClient http, SSLContext tls, Credentials credentials) {
    return JettyMesosClient.start(
        Duration.ofSeconds(2),
        Duration.ofSeconds(30),
        1000,
        tls,
        Duration.ofSeconds(3),
        credentials,
        super.client(http, tls, credentials));
  }
}
