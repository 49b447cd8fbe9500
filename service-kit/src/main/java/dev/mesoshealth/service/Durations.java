package dev.mesoshealth.service;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses durations written as people write them: 500ms, 30s, 5m, 2h, 1d, or ISO-8601 PT30S. */
public final class Durations {
  private static final Pattern SIMPLE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)");

  private Durations() {}

  public static Duration parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("empty duration");
    }
    String t = text.trim().toLowerCase(Locale.ROOT);
    Matcher m = SIMPLE.matcher(t);
    if (m.matches()) {
      double n = Double.parseDouble(m.group(1));
      long millis =
          switch (m.group(2)) {
            case "ms" -> Math.round(n);
            case "s" -> Math.round(n * 1_000);
            case "m" -> Math.round(n * 60_000);
            case "h" -> Math.round(n * 3_600_000);
            default -> Math.round(n * 86_400_000);
          };
      return Duration.ofMillis(millis);
    }
    try {
      return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a duration; write e.g. 500ms, 30s, 5m, 2h or PT30S");
    }
  }

  /** Short form for messages: 1m30s, 250ms. */
  public static String format(Duration d) {
    if (d.toMillis() < 1000) {
      return d.toMillis() + "ms";
    }
    long s = d.toSeconds();
    StringBuilder out = new StringBuilder();
    if (s >= 3600) {
      out.append(s / 3600).append('h');
      s %= 3600;
    }
    if (s >= 60) {
      out.append(s / 60).append('m');
      s %= 60;
    }
    if (s > 0 || out.length() == 0) {
      out.append(s).append('s');
    }
    return out.toString();
  }

  /** A ConfigDef validator for duration strings, at least {@code min}. */
  public static org.apache.kafka.common.config.ConfigDef.Validator validator(Duration min) {
    return new org.apache.kafka.common.config.ConfigDef.Validator() {
      @Override
      public void ensureValid(String name, Object value) {
        Duration d;
        try {
          d = parse(value == null ? null : value.toString());
        } catch (IllegalArgumentException e) {
          throw new org.apache.kafka.common.config.ConfigException(name, value, e.getMessage());
        }
        if (d.compareTo(min) < 0) {
          throw new org.apache.kafka.common.config.ConfigException(
              name, value, "must be at least " + format(min));
        }
      }

      @Override
      public String toString() {
        return "a duration >= " + format(min) + " (e.g. 500ms, 10s, 5m)";
      }
    };
  }
}
