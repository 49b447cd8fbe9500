package dev.mesoshealth.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Real programs a test starts (chromium, haproxy, etcd). In CI ({@code CI=true}) a missing one
 * fails the test, since a skipped test proves nothing; on a developer's machine it is skipped with
 * the package to install.
 */
public final class Prerequisites {
  private Prerequisites() {}

  /** Returns the first path that exists and is executable. */
  public static Path executable(String debianPackage, String... candidates) {
    for (String c : candidates) {
      Path p = Path.of(c);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    String message =
        String.join(" or ", candidates)
            + " not found: install the Debian package "
            + debianPackage
            + " (.ci/run does)";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      return Assertions.fail(message);
    }
    Assumptions.abort(message);
    return null;
  }
}
