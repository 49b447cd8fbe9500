package dev.mesoshealth.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Error;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * An OpenAPI 3.1 document in the repository, to check real answers against: which schema a path and
 * status promise, and whether a body keeps the promise (JSON Schema 2020-12, with the document's
 * components for {@code $ref}).
 */
public final class OpenApiContract {
  private final JsonNode spec;
  private final SchemaRegistry registry =
      SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

  private OpenApiContract(JsonNode spec) {
    this.spec = spec;
  }

  public static OpenApiContract read(Path yaml) throws IOException {
    return new OpenApiContract(
        new ObjectMapper(new YAMLFactory()).readTree(Files.readString(yaml)));
  }

  /** Every documented path. */
  public Set<String> paths() {
    Set<String> out = new TreeSet<>();
    spec.path("paths").fieldNames().forEachRemaining(out::add);
    return out;
  }

  /** Every documented GET answer, as "path status". */
  public Set<String> answers() {
    Set<String> out = new TreeSet<>();
    for (Map.Entry<String, JsonNode> p : spec.path("paths").properties()) {
      p.getValue()
          .path("get")
          .path("responses")
          .fieldNames()
          .forEachRemaining(s -> out.add(p.getKey() + " " + s));
    }
    return out;
  }

  /** The documented path a request goes to: its segments against each template's. */
  public String template(String pathAndQuery) {
    String[] segments = pathAndQuery.split("\\?")[0].split("/");
    for (Iterator<String> it = spec.path("paths").fieldNames(); it.hasNext(); ) {
      String candidate = it.next();
      String[] parts = candidate.split("/");
      boolean match = parts.length == segments.length;
      for (int i = 0; match && i < parts.length; i++) {
        match = parts[i].startsWith("{") || parts[i].equals(segments[i]);
      }
      if (match) {
        return candidate;
      }
    }
    throw new AssertionError("no documented path for " + pathAndQuery);
  }

  /**
   * How {@code body}, answered to a GET of {@code template} with {@code status}, breaks the
   * document's promise: nothing when it keeps it.
   */
  public List<String> violations(String template, int status, JsonNode body) {
    JsonNode response = spec.path("paths").path(template).path("get").path("responses");
    response = resolve(response.path(Integer.toString(status)));
    JsonNode schema = response.path("content").path("application/json").path("schema");
    if (schema.isMissingNode()) {
      return List.of(template + " documents no JSON answer with status " + status);
    }
    return violations(schema, body);
  }

  /** How {@code body} breaks the component schema {@code name}. */
  public List<String> violationsOf(String name, JsonNode body) {
    JsonNode schema = spec.path("components").path("schemas").path(name);
    if (schema.isMissingNode()) {
      return List.of("no component schema " + name);
    }
    return violations(schema, body);
  }

  private List<String> violations(JsonNode schema, JsonNode body) {
    ObjectNode root = schema.deepCopy();
    root.set("components", spec.path("components"));
    List<String> out = new ArrayList<>();
    for (Error e : registry.getSchema(root).validate(body)) {
      out.add(e.toString());
    }
    return out;
  }

  /** A response given as {@code $ref: #/components/responses/<name>}, looked up. */
  private JsonNode resolve(JsonNode response) {
    if (!response.has("$ref")) {
      return response;
    }
    String name = response.path("$ref").asText().replace("#/components/responses/", "");
    return spec.path("components").path("responses").path(name);
  }
}
