package dev.mesoshealth.service;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * Who may call a service's HTTP port: anyone, holders of a bearer token (scripts, other instances),
 * or a user with a password over HTTP basic auth (what a browser prompts for). Credentials are
 * compared in constant time and never appear in {@link #toString()}.
 */
public final class HttpAuth {
  /** How callers prove who they are: not at all, a user and password, or a bearer token. */
  public enum Mode {
    NONE,
    BASIC,
    BEARER
  }

  public static final HttpAuth NONE = new HttpAuth(null, null);

  private final byte[] expected;
  private final String scheme;

  private HttpAuth(String scheme, byte[] expected) {
    this.scheme = scheme;
    this.expected = expected;
  }

  /** A bearer token; null or empty means no authentication. */
  public static HttpAuth bearer(String token) {
    return token == null || token.isEmpty()
        ? NONE
        : new HttpAuth("Bearer", token.getBytes(StandardCharsets.UTF_8));
  }

  /** HTTP basic auth with one user; a null or empty user means no authentication. */
  public static HttpAuth basic(String user, String password) {
    if (user == null || user.isEmpty()) {
      return NONE;
    }
    String pair = user + ":" + (password == null ? "" : password);
    return new HttpAuth(
        "Basic",
        Base64.getEncoder()
            .encodeToString(pair.getBytes(StandardCharsets.UTF_8))
            .getBytes(StandardCharsets.UTF_8));
  }

  public boolean required() {
    return expected != null;
  }

  /** Whether an Authorization header value lets the caller in. */
  public boolean allows(String header) {
    if (expected == null) {
      return true;
    }
    String prefix = scheme + " ";
    if (header == null || !header.regionMatches(true, 0, prefix, 0, prefix.length())) {
      return false;
    }
    byte[] given = header.substring(prefix.length()).trim().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(given, expected);
  }

  /** What a 401 says. */
  public String refusal() {
    return scheme.equals("Basic")
        ? "missing or wrong user name or password"
        : "missing or wrong bearer token";
  }

  /** The WWW-Authenticate challenge for a 401. */
  public String challenge() {
    return scheme.equals("Basic") ? "Basic realm=\"mesos-health\", charset=\"UTF-8\"" : scheme;
  }

  @Override
  public String toString() {
    return expected == null ? "none" : scheme.toLowerCase(java.util.Locale.ROOT);
  }
}
