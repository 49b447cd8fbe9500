package dev.mesoshealth.schemas.metrics;

import java.util.Map;

/** Formats and splits metric keys of the form {@code name{label="value",...}}. */
public final class MetricKeys {
  private MetricKeys() {}

  /** {@code name} alone, or {@code name{k="v",...}} with labels in the given order. */
  public static String format(String name, Map<String, String> labels) {
    if (labels.isEmpty()) {
      return name;
    }
    StringBuilder key = new StringBuilder(name).append('{');
    boolean first = true;
    for (Map.Entry<String, String> label : labels.entrySet()) {
      if (!first) {
        key.append(',');
      }
      first = false;
      key.append(label.getKey()).append("=\"");
      for (char c : label.getValue().toCharArray()) {
        if (c == '"' || c == '\\') {
          key.append('\\');
        }
        key.append(c);
      }
      key.append('"');
    }
    return key.append('}').toString();
  }

  /** The name part of a key, without labels. */
  public static String name(String key) {
    int brace = key.indexOf('{');
    return brace < 0 ? key : key.substring(0, brace);
  }

  /** The label part of a key including braces, or "" when it has none. */
  public static String labelPart(String key) {
    int brace = key.indexOf('{');
    return brace < 0 ? "" : key.substring(brace);
  }
}
