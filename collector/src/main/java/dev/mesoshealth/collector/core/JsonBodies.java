package dev.mesoshealth.collector.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;

/** Reading JSON response bodies into trees, with the same limits and messages everywhere. */
final class JsonBodies {
  private static final ObjectMapper JSON =
      new ObjectMapper(
          JsonFactory.builder()
              .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
              .build());

  private JsonBodies() {}

  /** The body as a JSON object; anything else is an InvalidResponseException. */
  static JsonNode object(byte[] body) throws InvalidResponseException {
    if (body.length == 0) {
      throw new InvalidResponseException("empty body");
    }
    int first = 0;
    while (first < body.length && Character.isWhitespace(body[first])) {
      first++;
    }
    if (first == body.length || body[first] != '{') {
      throw new InvalidResponseException(
          "not a JSON object (body starts with " + SnapshotParser.preview(body) + ")");
    }
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (IOException e) {
      String message =
          e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
      throw new InvalidResponseException("malformed JSON: " + message);
    }
    if (root == null || !root.isObject()) {
      throw new InvalidResponseException(
          "not a JSON object (body starts with " + SnapshotParser.preview(body) + ")");
    }
    return root;
  }

  static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() || v.isContainerNode() ? null : v.asText();
  }

  static double number(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v != null && v.isNumber() ? v.asDouble() : 0.0;
  }

  /** Mesos times are epoch seconds with a fraction. */
  static Instant epochSeconds(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || !v.isNumber()) {
      return null;
    }
    return Instant.ofEpochMilli(Math.round(v.asDouble() * 1000));
  }

  /** Marathon times are ISO-8601 strings. */
  static Instant iso(JsonNode node, String field) {
    String text = text(node, field);
    if (text == null || text.isEmpty()) {
      return null;
    }
    try {
      return Instant.parse(text);
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
  }
}
