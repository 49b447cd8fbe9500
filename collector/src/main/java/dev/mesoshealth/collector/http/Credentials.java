package dev.mesoshealth.collector.http;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;

/**
 * The Authorization header sent to Mesos and Marathon. Implementations never log their secret;
 * {@link #toString()} says only which kind they are.
 */
public interface Credentials {
  /** The header value, or null for no header. */
  CompletableFuture<String> authorization();

  /** The server said 401: drop any cached token so the next request logs in again. */
  default void rejected() {}

  Credentials NONE =
      new Credentials() {
        @Override
        public CompletableFuture<String> authorization() {
          return CompletableFuture.completedFuture(null);
        }

        @Override
        public String toString() {
          return "none";
        }
      };

  static Credentials basic(String user, String password) {
    String value =
        "Basic "
            + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    return fixed(value, "basic auth as " + user);
  }

  /** {@code Authorization: Bearer <token>}. */
  static Credentials bearer(String token) {
    return fixed("Bearer " + token, "bearer token");
  }

  /** DC/OS's own form: {@code Authorization: token=<token>}. */
  static Credentials dcosToken(String token) {
    return fixed("token=" + token, "DC/OS token");
  }

  private static Credentials fixed(String value, String description) {
    return new Credentials() {
      @Override
      public CompletableFuture<String> authorization() {
        return CompletableFuture.completedFuture(value);
      }

      @Override
      public String toString() {
        return description;
      }
    };
  }
}
