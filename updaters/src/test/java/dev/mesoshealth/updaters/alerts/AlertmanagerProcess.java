package dev.mesoshealth.updaters.alerts;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mesoshealth.broker.EmbeddedKafkaBroker;
import dev.mesoshealth.service.HttpApi;
import dev.mesoshealth.service.TlsContexts;
import dev.mesoshealth.testkit.Prerequisites;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.mindrot.jbcrypt.BCrypt;

/**
 * A real Prometheus Alertmanager (Debian's prometheus-alertmanager) started by a test, alone (no
 * cluster gossip), with one route to the given receiver; plain, or behind TLS and basic auth.
 */
public final class AlertmanagerProcess implements AutoCloseable {
  private final HttpClient http;
  private final String url;
  private final String authorization;
  private final Path caFile;
  private final Process process;

  /**
   * @param receiver the receiver named {@code main}, as YAML lines under {@code receivers:}, e.g. a
   *     webhook; null: one that sends nowhere
   */
  public AlertmanagerProcess(Path dir, String receiver) throws Exception {
    this(dir, receiver, null, null);
  }

  /**
   * Alertmanager behind TLS (a certificate for 127.0.0.1 made with openssl, its PEM in {@link
   * #caFile()}) and basic auth with one user, as its {@code --web.config.file} sets them.
   */
  public static AlertmanagerProcess secured(Path dir, String receiver, String user, String password)
      throws Exception {
    return new AlertmanagerProcess(dir, receiver, user, password);
  }

  private AlertmanagerProcess(Path dir, String receiver, String user, String password)
      throws Exception {
    Path binary =
        Prerequisites.executable(
            "prometheus-alertmanager", "/usr/bin/prometheus-alertmanager", "/usr/bin/alertmanager");
    int port = EmbeddedKafkaBroker.freePort();
    Files.writeString(
        dir.resolve("alertmanager.yml"),
        String.join(
            "\n",
            "route:",
            "  receiver: main",
            "  group_by: [alertname, node]",
            "  group_wait: 1s",
            "  group_interval: 1s",
            "  repeat_interval: 1h",
            "receivers:",
            "  - name: main",
            receiver == null ? "" : receiver,
            ""));
    List<String> command =
        new ArrayList<>(
            List.of(
                binary.toString(),
                "--config.file=" + dir.resolve("alertmanager.yml"),
                "--storage.path=" + dir.resolve("alertmanager-data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--cluster.listen-address="));
    if (user == null) {
      url = "http://127.0.0.1:" + port;
      authorization = null;
      caFile = null;
      http = HttpClient.newHttpClient();
    } else {
      caFile = dir.resolve("alertmanager-cert.pem");
      Path key = dir.resolve("alertmanager-key.pem");
      Process openssl =
          new ProcessBuilder(
                  Prerequisites.executable("openssl", "/usr/bin/openssl").toString(),
                  "req",
                  "-x509",
                  "-newkey",
                  "ec",
                  "-pkeyopt",
                  "ec_paramgen_curve:prime256v1",
                  "-nodes",
                  "-days",
                  "1",
                  "-subj",
                  "/CN=127.0.0.1",
                  "-addext",
                  "subjectAltName=IP:127.0.0.1",
                  "-keyout",
                  key.toString(),
                  "-out",
                  caFile.toString())
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("openssl.log").toFile())
              .start();
      if (!openssl.waitFor(30, TimeUnit.SECONDS) || openssl.exitValue() != 0) {
        throw new IOException("openssl failed: " + Files.readString(dir.resolve("openssl.log")));
      }
      Files.writeString(
          dir.resolve("web.yml"),
          String.join(
              "\n",
              "tls_server_config:",
              "  cert_file: " + caFile,
              "  key_file: " + key,
              "basic_auth_users:",
              "  " + user + ": " + BCrypt.hashpw(password, BCrypt.gensalt(4)),
              ""));
      command.add("--web.config.file=" + dir.resolve("web.yml"));
      url = "https://127.0.0.1:" + port;
      authorization =
          "Basic "
              + Base64.getEncoder()
                  .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
      http = HttpClient.newBuilder().sslContext(TlsContexts.trusting(caFile)).build();
    }
    process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("alertmanager.log").toFile())
            .start();
    await("Alertmanager ready")
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .until(
            () ->
                http.send(request("/-/ready"), HttpResponse.BodyHandlers.discarding()).statusCode()
                    == 200);
  }

  private HttpRequest request(String path) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return b.build();
  }

  /** The certificate a secured Alertmanager serves, to trust; null when plain. */
  public Path caFile() {
    return caFile;
  }

  public String url() {
    return url;
  }

  /** Every alert Alertmanager holds. */
  public JsonNode alerts() throws Exception {
    return HttpApi.JSON.readTree(
        http.send(request("/api/v2/alerts"), HttpResponse.BodyHandlers.ofString()).body());
  }

  /** The active alerts, each as "alertname node" (or "alertname cluster" without a node). */
  public List<String> active() throws Exception {
    List<String> out = new ArrayList<>();
    for (JsonNode a : alerts()) {
      if (a.path("status").path("state").asText().equals("active")) {
        JsonNode l = a.path("labels");
        out.add(
            l.path("alertname").asText()
                + " "
                + l.path("node").asText(l.path("app").asText(l.path("cluster").asText())));
      }
    }
    return out;
  }

  @Override
  public void close() {
    process.destroy();
    await("Alertmanager stopped").atMost(Duration.ofSeconds(10)).until(() -> !process.isAlive());
  }
}
