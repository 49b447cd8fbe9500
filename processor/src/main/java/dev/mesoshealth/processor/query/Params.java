package dev.mesoshealth.processor.query;

import dev.mesoshealth.service.Durations;
import dev.mesoshealth.service.HttpApi.ApiException;
import dev.mesoshealth.service.HttpApi.Request;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Checks of path and query parameters shared by the REST resources: bad input is a 400 naming it.
 */
final class Params {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.:@/*\\-]{1,256}");
  private static final Pattern GROUP = Pattern.compile("[A-Za-z0-9_.:@/*=\\-]{1,512}");
  static final int MAX_LIMIT = 100_000;

  private Params() {}

  /** A time range: from/to as ISO-8601, epoch ms, or a duration before now. */
  record Range(Instant from, Instant to) {}

  static void allowOnly(Request r, Set<String> known) {
    for (String key : r.query().keySet()) {
      if (!known.contains(key)) {
        throw new ApiException(
            400,
            "unknown parameter '"
                + key
                + "'"
                + (known.isEmpty()
                    ? "; this resource takes none"
                    : "; known: " + String.join(", ", new TreeSet<>(known))));
      }
    }
  }

  static String id(String value, String what) {
    if (value == null || !ID.matcher(value).matches()) {
      throw new ApiException(
          400, "malformed " + what + ": 1-256 characters of letters, digits and . _ : @ / * -");
    }
    return value;
  }

  /** A capacity group id, e.g. "prod" or "prod/rack=r1" (its '/' URL-encoded in a path). */
  static String groupId(String value) {
    if (value == null || !GROUP.matcher(value).matches()) {
      throw new ApiException(
          400,
          "malformed capacity group id: '<cluster>' or '<cluster>/<name>=<value>', with the '/'"
              + " written %2F in a path");
    }
    return value;
  }

  static int limit(String value) {
    if (value == null) {
      return 1000;
    }
    try {
      int n = Integer.parseInt(value);
      if (n < 1 || n > MAX_LIMIT) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new ApiException(
          400, "limit must be a number from 1 to " + MAX_LIMIT + ", got '" + value + "'");
    }
  }

  static <E extends Enum<E>> Set<E> enums(String value, Class<E> type, String name) {
    Set<E> out = EnumSet.noneOf(type);
    if (value == null || value.isEmpty()) {
      return out;
    }
    for (String part : value.split(",")) {
      try {
        out.add(Enum.valueOf(type, part.trim().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new ApiException(
            400, "unknown " + name + " '" + part + "'; one of " + EnumSet.allOf(type));
      }
    }
    return out;
  }

  /** from/to, defaulting to the last {@code span} before now, at most {@code max} (whole days). */
  static Range range(Request r, Clock clock, Duration span, Duration max) {
    Instant to = time(r.query("to"), clock.instant(), "to", clock);
    Instant from = time(r.query("from"), to.minus(span), "from", clock);
    if (from.isAfter(to)) {
      throw new ApiException(400, "'from' (" + from + ") is after 'to' (" + to + ")");
    }
    if (Duration.between(from, to).compareTo(max) > 0) {
      throw new ApiException(400, "at most " + max.toDays() + " days per request");
    }
    return new Range(from, to);
  }

  /** An ISO-8601 instant, epoch milliseconds, or a duration before now ("1h", "-15m"). */
  static Instant time(String value, Instant fallback, String name, Clock clock) {
    if (value == null || value.isEmpty()) {
      return fallback;
    }
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      // not an instant: try the other forms
    }
    if (value.matches("\\d{10,14}")) {
      return Instant.ofEpochMilli(Long.parseLong(value));
    }
    try {
      return clock
          .instant()
          .minus(Durations.parse(value.startsWith("-") ? value.substring(1) : value));
    } catch (IllegalArgumentException e) {
      throw new ApiException(
          400,
          "'"
              + name
              + "' must be an ISO-8601 time, epoch milliseconds or a duration before now (e.g. 1h),"
              + " got '"
              + value
              + "'");
    }
  }
}
