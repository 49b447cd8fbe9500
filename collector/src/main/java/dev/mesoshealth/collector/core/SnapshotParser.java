package dev.mesoshealth.collector.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses a Mesos {@code /metrics/snapshot} body: a flat JSON object of numbers. Integers and
 * decimals both become doubles; {@code \/} escapes are undone by the JSON parser. A value that is
 * not a number (null, a string, a nested object) is set aside and named, not guessed at.
 */
public final class SnapshotParser {
  private static final JsonFactory JSON =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder().maxNestingDepth(64).maxNumberLength(64).build())
          .build();
  private static final int NAMED_REJECTS = 5;

  /** The numeric values, and the keys whose values were not numbers. */
  public record ParsedSnapshot(Map<String, Double> values, List<String> rejected) {
    /** A short note on the rejected keys, or null when none. */
    public String rejectedNote() {
      if (rejected.isEmpty()) {
        return null;
      }
      List<String> shown = rejected.subList(0, Math.min(NAMED_REJECTS, rejected.size()));
      return rejected.size()
          + " non-numeric value(s) ignored: "
          + String.join(", ", shown)
          + (rejected.size() > shown.size() ? ", ..." : "");
    }
  }

  private SnapshotParser() {}

  public static ParsedSnapshot parse(byte[] body) throws InvalidResponseException {
    if (body.length == 0) {
      throw new InvalidResponseException("empty body");
    }
    int first = 0;
    while (first < body.length && Character.isWhitespace(body[first])) {
      first++;
    }
    if (first == body.length || body[first] != '{') {
      throw new InvalidResponseException(
          "not a JSON object (body starts with " + preview(body) + ")");
    }
    Map<String, Double> values = new LinkedHashMap<>(256);
    List<String> rejected = new ArrayList<>();
    try (JsonParser p = JSON.createParser(body)) {
      JsonToken firstToken = p.nextToken();
      if (firstToken != JsonToken.START_OBJECT) {
        throw new InvalidResponseException(
            "not a JSON object (body starts with " + preview(body) + ")");
      }
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        JsonToken value = p.nextToken();
        if (value == JsonToken.VALUE_NUMBER_INT || value == JsonToken.VALUE_NUMBER_FLOAT) {
          double d = p.getDoubleValue();
          if (Double.isFinite(d)) {
            values.put(key, d);
          } else {
            rejected.add(key + " (not finite)");
          }
        } else {
          rejected.add(key + " (" + describe(value) + ")");
          p.skipChildren();
        }
      }
      if (t != JsonToken.END_OBJECT) {
        throw new InvalidResponseException("malformed JSON: object not closed");
      }
      if (p.nextToken() != null) {
        throw new InvalidResponseException("malformed JSON: data after the object");
      }
    } catch (JsonParseException e) {
      throw new InvalidResponseException(
          "malformed JSON at byte "
              + e.getLocation().getByteOffset()
              + ": "
              + e.getOriginalMessage());
    } catch (IOException e) {
      throw new InvalidResponseException("unreadable body: " + e.getMessage());
    }
    if (values.isEmpty() && !rejected.isEmpty()) {
      throw new InvalidResponseException(
          "no numeric value in the snapshot; "
              + new ParsedSnapshot(values, rejected).rejectedNote());
    }
    return new ParsedSnapshot(values, rejected);
  }

  private static String describe(JsonToken token) {
    return switch (token) {
      case VALUE_NULL -> "null";
      case VALUE_STRING -> "a string";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      default -> String.valueOf(token);
    };
  }

  /** The first bytes of a body, printable, for messages. */
  public static String preview(byte[] body) {
    StringBuilder out = new StringBuilder("'");
    for (int i = 0; i < Math.min(24, body.length); i++) {
      char c = (char) (body[i] & 0xff);
      out.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return out.append(body.length > 24 ? "...'" : "'").toString();
  }
}
