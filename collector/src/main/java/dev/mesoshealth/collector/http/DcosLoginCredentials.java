package dev.mesoshealth.collector.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A DC/OS service account: signs a short-lived RS256 login JWT with the account's private key,
 * POSTs it to the IAM login endpoint, caches the returned token and logs in again before it expires
 * (or at once after a 401). The private key (PKCS#8 PEM) and tokens are never logged.
 */
public final class DcosLoginCredentials implements Credentials {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration LOGIN_JWT_LIFETIME = Duration.ofMinutes(5);
  private static final Duration ASSUMED_TOKEN_LIFETIME = Duration.ofHours(1);

  private final URI loginUrl;
  private final String uid;
  private final PrivateKey key;
  private final HttpClient http;
  private final Clock clock;
  private String token;
  private Instant refreshAt = Instant.MIN;
  private CompletableFuture<String> inFlight;

  public DcosLoginCredentials(
      URI loginUrl, String uid, PrivateKey key, HttpClient http, Clock clock) {
    this.loginUrl = loginUrl;
    this.uid = uid;
    this.key = key;
    this.http = http;
    this.clock = clock;
  }

  /** Reads an RSA private key from a PKCS#8 PEM file ("BEGIN PRIVATE KEY"). */
  public static PrivateKey readPrivateKey(Path pem) {
    String text;
    try {
      text = Files.readString(pem, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read DC/OS private key " + pem + ": " + e.getMessage());
    }
    if (text.contains("BEGIN RSA PRIVATE KEY")) {
      throw new IllegalArgumentException(
          "DC/OS private key "
              + pem
              + " is PKCS#1; convert it: openssl pkcs8 -topk8 -nocrypt -in key.pem -out key.pk8.pem");
    }
    String base64 = text.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
    try {
      return KeyFactory.getInstance("RSA")
          .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "DC/OS private key " + pem + " is not an RSA PKCS#8 PEM key");
    }
  }

  @Override
  public synchronized CompletableFuture<String> authorization() {
    if (token != null && clock.instant().isBefore(refreshAt)) {
      return CompletableFuture.completedFuture("token=" + token);
    }
    if (inFlight == null || inFlight.isDone()) {
      inFlight = login();
    }
    return inFlight.thenApply(t -> "token=" + t);
  }

  @Override
  public synchronized void rejected() {
    refreshAt = Instant.MIN;
  }

  private CompletableFuture<String> login() {
    String body;
    try {
      body = JSON.writeValueAsString(Map.of("uid", uid, "token", loginJwt()));
    } catch (IOException | GeneralSecurityException e) {
      return CompletableFuture.failedFuture(
          new IOException("cannot sign the DC/OS login token: " + e.getMessage()));
    }
    HttpRequest request =
        HttpRequest.newBuilder(loginUrl)
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
        .thenApply(
            r -> {
              if (r.statusCode() != 200) {
                throw new IllegalStateException(
                    "DC/OS login as "
                        + uid
                        + " at "
                        + loginUrl
                        + " answered HTTP "
                        + r.statusCode());
              }
              try {
                JsonNode json = JSON.readTree(r.body());
                String t = json.path("token").asText(null);
                if (t == null || t.isEmpty()) {
                  throw new IllegalStateException("DC/OS login answered without a token");
                }
                remember(t);
                return t;
              } catch (IOException e) {
                throw new IllegalStateException("DC/OS login answered malformed JSON");
              }
            });
  }

  private synchronized void remember(String t) {
    Instant now = clock.instant();
    Instant expiry = expiryOf(t).orElse(now.plus(ASSUMED_TOKEN_LIFETIME));
    long lifetime = Math.max(1, Duration.between(now, expiry).toSeconds());
    token = t;
    refreshAt = now.plusSeconds(lifetime * 9 / 10);
  }

  /** The exp claim of a JWT, if the token is one. */
  static java.util.Optional<Instant> expiryOf(String jwt) {
    String[] parts = jwt.split("\\.");
    if (parts.length < 2) {
      return java.util.Optional.empty();
    }
    try {
      JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
      return claims.has("exp")
          ? java.util.Optional.of(Instant.ofEpochSecond(claims.get("exp").asLong()))
          : java.util.Optional.empty();
    } catch (IOException | IllegalArgumentException e) {
      return java.util.Optional.empty();
    }
  }

  private String loginJwt() throws IOException, GeneralSecurityException {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String header =
        b64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    long exp = clock.instant().plus(LOGIN_JWT_LIFETIME).getEpochSecond();
    String payload = b64.encodeToString(JSON.writeValueAsBytes(Map.of("uid", uid, "exp", exp)));
    Signature rs256 = Signature.getInstance("SHA256withRSA");
    rs256.initSign(key);
    rs256.update((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
    return header + "." + payload + "." + b64.encodeToString(rs256.sign());
  }

  @Override
  public String toString() {
    return "DC/OS service account " + uid;
  }
}
