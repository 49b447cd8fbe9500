package dev.mesoshealth.collector.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.mesoshealth.collector.core.PollResult;
import dev.mesoshealth.events.Outcome;
import dev.mesoshealth.service.TlsContexts;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Basic, bearer and DC/OS service-account auth, and a private CA, against real local servers, with
 * the JDK client; {@link JettyCredentialsTest} runs every case with the Jetty client.
 */
class CredentialsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final List<String> seenAuthorization = new CopyOnWriteArrayList<>();
  private HttpServer server;

  @TempDir Path dir;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  private String startRecordingServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
    server.createContext(
        "/metrics/snapshot",
        ex -> {
          seenAuthorization.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
          reply(ex, 200, "{\"a\": 1}");
        });
    server.start();
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private static void reply(HttpExchange ex, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      ex.getResponseBody().write(bytes);
    }
    ex.close();
  }

  private MesosClient client(Credentials credentials, SSLContext tls) {
    return client(
        HttpMesosClient.newHttpClient(Duration.ofSeconds(2), tls, Executors.newFixedThreadPool(2)),
        tls,
        credentials);
  }

  /** The client under test over {@code http}; the JDK one here. */
  MesosClient client(java.net.http.HttpClient http, SSLContext tls, Credentials credentials) {
    return new HttpMesosClient(http, Duration.ofSeconds(3), credentials);
  }

  @Test
  void basicAndBearerAndDcosTokensGoInTheAuthorizationHeader() throws Exception {
    URI url = URI.create(startRecordingServer() + "/metrics/snapshot");

    client(Credentials.basic("ops", "s3cret"), null).get(url, 1024).join();
    client(Credentials.bearer("abc"), null).get(url, 1024).join();
    client(Credentials.dcosToken("xyz"), null).get(url, 1024).join();
    client(Credentials.NONE, null).get(url, 1024).join();

    assertThat(seenAuthorization)
        .containsExactly(
            "Basic "
                + Base64.getEncoder().encodeToString("ops:s3cret".getBytes(StandardCharsets.UTF_8)),
            "Bearer abc",
            "token=xyz",
            "null");
    assertThat(Credentials.basic("ops", "s3cret").toString()).doesNotContain("s3cret");
  }

  @Test
  void dcosServiceAccountLogsInOnceAndAgainAfterA401() throws Exception {
    KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
    gen.initialize(2048);
    KeyPair keys = gen.generateKeyPair();
    Path pem = dir.resolve("svc.pem");
    Files.writeString(
        pem,
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(keys.getPrivate().getEncoded())
            + "\n-----END PRIVATE KEY-----\n");
    AtomicInteger logins = new AtomicInteger();
    AtomicBoolean revoked = new AtomicBoolean();
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
    server.createContext(
        "/acs/api/v1/auth/login",
        ex -> {
          JsonNode body = JSON.readTree(ex.getRequestBody());
          String[] jwt = body.get("token").asText().split("\\.");
          boolean valid;
          try {
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initVerify(keys.getPublic());
            rs256.update((jwt[0] + "." + jwt[1]).getBytes(StandardCharsets.US_ASCII));
            valid =
                rs256.verify(Base64.getUrlDecoder().decode(jwt[2]))
                    && JSON.readTree(Base64.getUrlDecoder().decode(jwt[1]))
                        .get("uid")
                        .asText()
                        .equals("mesos-health");
          } catch (Exception e) {
            valid = false;
          }
          if (!valid || !body.get("uid").asText().equals("mesos-health")) {
            reply(ex, 401, "{}");
            return;
          }
          int n = logins.incrementAndGet();
          long exp = System.currentTimeMillis() / 1000 + 3600;
          String payload =
              Base64.getUrlEncoder()
                  .withoutPadding()
                  .encodeToString(
                      ("{\"uid\":\"mesos-health\",\"exp\":" + exp + "}")
                          .getBytes(StandardCharsets.UTF_8));
          reply(ex, 200, "{\"token\":\"h." + payload + ".sig" + n + "\"}");
        });
    server.createContext(
        "/metrics/snapshot",
        ex -> {
          String auth = String.valueOf(ex.getRequestHeaders().getFirst("Authorization"));
          seenAuthorization.add(auth);
          boolean ok = auth.startsWith("token=h.") && !(revoked.get() && auth.endsWith("sig1"));
          reply(ex, ok ? 200 : 401, ok ? "{\"a\": 1}" : "");
        });
    server.start();
    String base = "http://127.0.0.1:" + server.getAddress().getPort();
    var http =
        HttpMesosClient.newHttpClient(Duration.ofSeconds(2), null, Executors.newFixedThreadPool(2));
    Credentials account =
        new DcosLoginCredentials(
            URI.create(base + "/acs/api/v1/auth/login"),
            "mesos-health",
            DcosLoginCredentials.readPrivateKey(pem),
            http,
            Clock.systemUTC());
    MesosClient client = client(http, null, account);
    URI url = URI.create(base + "/metrics/snapshot");

    assertThat(client.get(url, 1024).join()).isInstanceOf(PollResult.Response.class);
    assertThat(client.get(url, 1024).join()).isInstanceOf(PollResult.Response.class);
    assertThat(logins.get()).isEqualTo(1);

    revoked.set(true);
    PollResult denied = client.get(url, 1024).join();
    assertThat(((PollResult.Failure) denied).status()).isEqualTo(401);
    assertThat(client.get(url, 1024).join()).isInstanceOf(PollResult.Response.class);
    assertThat(logins.get()).isEqualTo(2);
    assertThat(account.toString()).isEqualTo("DC/OS service account mesos-health");
  }

  @Test
  void pkcs1KeysAreRefusedWithTheCommandToConvertThem() throws Exception {
    Path pem = dir.resolve("rsa.pem");
    Files.writeString(
        pem, "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");

    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> DcosLoginCredentials.readPrivateKey(pem))
        .hasMessageContaining("openssl pkcs8 -topk8");
  }

  @Test
  void privateCaBundleIsTrustedAndNothingElse() throws Exception {
    Path keystore = dir.resolve("server.p12");
    Path cert = dir.resolve("ca.pem");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    run(
        keytool,
        "-genkeypair",
        "-alias",
        "mesos",
        "-keyalg",
        "RSA",
        "-keysize",
        "2048",
        "-dname",
        "CN=127.0.0.1",
        "-ext",
        "SAN=ip:127.0.0.1",
        "-validity",
        "2",
        "-storetype",
        "PKCS12",
        "-keystore",
        keystore.toString(),
        "-storepass",
        "changeit");
    run(
        keytool,
        "-exportcert",
        "-rfc",
        "-alias",
        "mesos",
        "-keystore",
        keystore.toString(),
        "-storepass",
        "changeit",
        "-file",
        cert.toString());
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = new FileInputStream(keystore.toFile())) {
      ks.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, "changeit".toCharArray());
    SSLContext serverTls = SSLContext.getInstance("TLS");
    serverTls.init(kmf.getKeyManagers(), null, null);
    HttpsServer https =
        HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
    https.setHttpsConfigurator(new HttpsConfigurator(serverTls));
    https.createContext("/metrics/snapshot", ex -> reply(ex, 200, "{\"a\": 1}"));
    https.start();
    server = https;
    URI url = URI.create("https://127.0.0.1:" + https.getAddress().getPort() + "/metrics/snapshot");

    assertThat(client(Credentials.NONE, TlsContexts.trusting(cert)).get(url, 1024).join())
        .isInstanceOf(PollResult.Response.class);
    PollResult untrusted = client(Credentials.NONE, null).get(url, 1024).join();
    assertThat(((PollResult.Failure) untrusted).outcome()).isEqualTo(Outcome.UNREACHABLE);
    assertThat(((PollResult.Failure) untrusted).error()).startsWith("TLS failed");
  }

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", command) + "\n" + out).isZero();
  }
}
