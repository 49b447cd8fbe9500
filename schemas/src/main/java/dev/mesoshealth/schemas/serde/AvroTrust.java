package dev.mesoshealth.schemas.serde;

import org.apache.avro.util.ClassSecurityValidator;
import org.apache.avro.util.ClassSecurityValidator.ClassSecurityPredicate;

/**
 * Avro 1.12 refuses to instantiate classes outside its trusted packages. This adds our event
 * package to whatever the JVM already trusts, once, so no {@code -D} flag is needed. Every
 * generated event class calls it when loaded (see src/main/avro-templates).
 */
public final class AvroTrust {
  private static final String EVENTS_PACKAGE = "dev.mesoshealth.";
  private static boolean installed;

  private AvroTrust() {}

  public static synchronized void ensureInstalled() {
    if (installed) {
      return;
    }
    ClassSecurityPredicate existing = ClassSecurityValidator.getGlobal();
    ClassSecurityPredicate ours = type -> type.getName().startsWith(EVENTS_PACKAGE);
    ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(existing, ours));
    installed = true;
  }
}
