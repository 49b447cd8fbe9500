package dev.mesoshealth.sim.scenario;

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
}
