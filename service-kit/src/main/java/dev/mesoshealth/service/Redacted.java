package dev.mesoshealth.service;

import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.regex.Pattern;

/**
 * A configuration record's {@code toString} with its secrets hidden: the named components, and in
 * any map (the Kafka client settings) every value whose key looks like a credential ({@code
 * sasl.jaas.config}, {@code ssl.keystore.password}, ...). Whatever logs or throws a configuration
 * cannot leak a password through it.
 */
public final class Redacted {
  public static final String HIDDEN = "[hidden]";

  private static final Pattern SENSITIVE_KEY =
      Pattern.compile("(?i).*(password|secret|token|jaas|credential|private).*");

  private Redacted() {}

  /** {@code Name[a=1, secret=[hidden], kafka={sasl.jaas.config=[hidden], ...}]}. */
  public static String toString(Record r, Set<String> secretComponents) {
    StringJoiner out = new StringJoiner(", ", r.getClass().getSimpleName() + "[", "]");
    for (RecordComponent c : r.getClass().getRecordComponents()) {
      Object value;
      try {
        value = c.getAccessor().invoke(r);
      } catch (ReflectiveOperationException e) {
        value = "?";
      }
      if (secretComponents.contains(c.getName()) && value != null && !"".equals(value)) {
        value = HIDDEN;
      } else if (value instanceof Map<?, ?> m) {
        value = map(m);
      }
      out.add(c.getName() + "=" + value);
    }
    return out.toString();
  }

  /** A copy of the map with credential-like keys' values hidden. */
  public static Map<String, Object> map(Map<?, ?> settings) {
    Map<String, Object> out = new LinkedHashMap<>();
    settings.forEach(
        (k, v) ->
            out.put(
                String.valueOf(k),
                SENSITIVE_KEY.matcher(String.valueOf(k)).matches() ? HIDDEN : v));
    return out;
  }
}
