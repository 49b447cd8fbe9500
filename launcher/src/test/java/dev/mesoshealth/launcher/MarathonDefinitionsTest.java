package dev.mesoshealth.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.mesoshealth.service.ServiceConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * deploy/marathon: the group renders from its parameters, every app is valid by Marathon's own app
 * definition schema, every secret it uses is declared, every health check points at a port it has,
 * and every setting it gives a service is one that service knows, with a valid value.
 */
class MarathonDefinitionsTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern PARAMETER = Pattern.compile("\\$\\{([A-Z_]+)}");

  private static Map<String, String> parameters() throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : Files.readAllLines(ROOT.resolve("deploy/marathon/parameters.env"))) {
      if (!line.isBlank() && !line.startsWith("#")) {
        String[] kv = line.split("=", 2);
        out.put(kv[0], kv[1]);
      }
    }
    return out;
  }

  /** The group as envsubst renders it with the shipped parameters. */
  private static JsonNode rendered() throws IOException {
    String template = Files.readString(ROOT.resolve("deploy/marathon/mesos-health.json"));
    Map<String, String> parameters = parameters();
    Matcher m = PARAMETER.matcher(template);
    StringBuilder b = new StringBuilder();
    List<String> used = new ArrayList<>();
    while (m.find()) {
      assertThat(parameters).as("parameters.env defines ${%s}", m.group(1)).containsKey(m.group(1));
      used.add(m.group(1));
      m.appendReplacement(b, Matcher.quoteReplacement(parameters.get(m.group(1))));
    }
    m.appendTail(b);
    assertThat(used).as("every parameter is used").containsAll(parameters.keySet());
    return JSON.readTree(b.toString());
  }

  /**
   * Marathon's AppDefinition.json, with what its later releases define in RAML and the JSON schema
   * predates (see NOTICE.md next to it).
   */
  private static Schema appSchema() throws IOException {
    ObjectNode schema;
    try (InputStream in =
        MarathonDefinitionsTest.class.getResourceAsStream("/marathon/AppDefinition.json")) {
      schema = (ObjectNode) JSON.readTree(in);
    }
    // "http://json-schema.org/schema#" names no draft; Marathon wrote it in draft 4
    schema.put("$schema", "http://json-schema.org/draft-04/schema#");
    ObjectNode properties = (ObjectNode) schema.get("properties");
    // types/secrets.raml: a map of named declarations, each with a source
    properties.set(
        "secrets",
        JSON.readTree(
            "{\"type\": \"object\", \"additionalProperties\": {\"type\": \"object\","
                + " \"properties\": {\"source\": {\"type\": \"string\", \"minLength\": 1}},"
                + " \"required\": [\"source\"]}}"));
    // types/environmentVariable.raml: a value or a reference to a secret
    properties.set(
        "env",
        JSON.readTree(
            "{\"type\": \"object\", \"additionalProperties\": false, \"patternProperties\":"
                + " {\"^[a-zA-Z_][a-zA-Z0-9_]*$\": {\"oneOf\": [{\"type\": \"string\"},"
                + " {\"type\": \"object\", \"additionalProperties\": false, \"required\":"
                + " [\"secret\"], \"properties\": {\"secret\": {\"type\": \"string\"}}}]}}}"));
    // types/healthCheck.raml: the Mesos-run checks
    ArrayNode protocols = (ArrayNode) properties.at("/healthChecks/items/properties/protocol/enum");
    protocols.add("MESOS_TCP").add("MESOS_HTTP").add("MESOS_HTTPS");
    // types/volumes.raml: a secret as a file in the sandbox
    ObjectNode volume =
        (ObjectNode) properties.at("/container/properties/volumes/items/properties");
    volume.set("secret", JSON.readTree("{\"type\": \"string\", \"minLength\": 1}"));
    return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4).getSchema(schema);
  }

  @Test
  void everyAppIsValidByMarathonsSchema() throws IOException {
    JsonNode group = rendered();
    assertThat(group.path("id").asText()).isEqualTo("/mesos-health");
    List<String> keys = new ArrayList<>();
    group.fieldNames().forEachRemaining(keys::add);
    assertThat(keys)
        .as("Group.json's properties")
        .isSubsetOf("id", "apps", "groups", "dependencies");
    Schema schema = appSchema();
    List<String> ids = new ArrayList<>();
    for (JsonNode app : group.path("apps")) {
      ids.add(app.path("id").asText());
      List<Error> errors = schema.validate(app);
      assertThat(errors).as(app.path("id").asText()).isEmpty();
    }
    assertThat(ids)
        .containsExactly(
            "/mesos-health/collector",
            "/mesos-health/processor",
            "/mesos-health/console",
            "/mesos-health/haproxy-updater",
            "/mesos-health/etcd-updater",
            "/mesos-health/alerter");
  }

  @Test
  void theSchemaCatchesWhatMarathonWouldRefuse() throws IOException {
    Schema schema = appSchema();
    ObjectNode app = (ObjectNode) rendered().path("apps").get(0).deepCopy();
    app.put("instances", -1);
    assertThat(schema.validate(app)).isNotEmpty();
    ObjectNode typo = (ObjectNode) rendered().path("apps").get(0).deepCopy();
    typo.set("healthcheck", typo.remove("healthChecks"));
    assertThat(schema.validate(typo)).as("an unknown field").isNotEmpty();
  }

  @Test
  void secretsAreDeclaredHealthChecksHitTheirPortsAndEverySettingIsTheServicesOwn()
      throws IOException {
    for (JsonNode app : rendered().path("apps")) {
      String id = app.path("id").asText();
      String cmd = app.path("cmd").asText();
      String service = cmd.substring(cmd.lastIndexOf(' ') + 1);
      ConfigCommand.ServiceDefinition definition = ConfigCommand.SERVICES.get(service);
      assertThat(definition).as(id + " runs a service: " + service).isNotNull();

      Map<String, String> env = new HashMap<>();
      app.path("env")
          .properties()
          .forEach(
              e -> {
                JsonNode v = e.getValue();
                if (v.isObject()) {
                  assertThat(app.path("secrets").has(v.path("secret").asText()))
                      .as(id + ": secret '" + v.path("secret").asText() + "' is declared")
                      .isTrue();
                  env.put(e.getKey(), "secret-value:x");
                } else {
                  env.put(e.getKey(), v.asText());
                }
              });
      for (JsonNode volume : app.path("container").path("volumes")) {
        if (volume.has("secret")) {
          assertThat(app.path("secrets").has(volume.path("secret").asText()))
              .as(id + ": volume secret is declared")
              .isTrue();
        }
      }
      // the settings cmd makes from what Marathon gives the task
      Matcher set = Pattern.compile("(MESOS_HEALTH_[A-Z_]+)=(\\S+)").matcher(cmd);
      while (set.find()) {
        env.put(
            set.group(1),
            set.group(2)
                .replace("$PORT0", "31000")
                .replace("$HOST", "10.0.1.5")
                .replace("$MESOS_SANDBOX", "/mnt/mesos/sandbox"));
      }
      for (String name : env.keySet()) {
        if (name.startsWith(ServiceConfig.ENV_PREFIX)) {
          String key =
              name.substring(ServiceConfig.ENV_PREFIX.length())
                  .toLowerCase(Locale.ROOT)
                  .replace('_', '.');
          assertThat(definition.definition().names().contains(key) || key.startsWith("kafka."))
              .as(id + ": " + name + " is a setting of " + service)
              .isTrue();
        }
      }
      ServiceConfig.parse(
          definition.definition(), new ServiceConfig.Sources().env(env), definition.passThrough());

      int ports = app.path("portDefinitions").size();
      for (JsonNode check : app.path("healthChecks")) {
        assertThat(check.path("path").asText()).isIn("/health/live", "/health/ready");
        assertThat(check.path("portIndex").asInt()).isLessThan(ports);
      }
      for (JsonNode check : app.path("readinessChecks")) {
        List<String> names = new ArrayList<>();
        app.path("portDefinitions").forEach(p -> names.add(p.path("name").asText()));
        assertThat(names).as(id + ": readiness port").contains(check.path("portName").asText());
        assertThat(check.path("path").asText()).isEqualTo("/health/ready");
      }
    }
  }
}
