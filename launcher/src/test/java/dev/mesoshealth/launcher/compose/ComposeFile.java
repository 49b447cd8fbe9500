package dev.mesoshealth.launcher.compose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of a docker-compose.yml that say how a service runs: image, entrypoint, command,
 * environment, volumes, health check, dependencies and network mode, with compose's {@code $$}
 * escapes undone. Anything it cannot read is an error naming the service and key.
 */
record ComposeFile(Map<String, Service> services) {

  /** A volume: a named one ({@code source} is its name) or a bind mount of a path in the repo. */
  record Volume(String source, String target, boolean named) {}

  /**
   * A health check: {@code CMD} argv, or a {@code CMD-SHELL} line (as {@code sh -c}); unhealthy
   * after {@code retries} failures in a row.
   */
  record HealthCheck(List<String> argv, Duration timeout, int retries) {}

  /** How a service waits for another: service_started, service_healthy, ... */
  record Dependency(String service, String condition) {}

  record Service(
      String name,
      String image,
      boolean built,
      List<String> entrypoint,
      List<String> command,
      Map<String, String> environment,
      List<Volume> volumes,
      HealthCheck healthcheck,
      List<Dependency> dependsOn,
      String networkMode,
      String restart) {}

  static ComposeFile read(Path file) throws IOException {
    JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
    Map<String, Service> out = new LinkedHashMap<>();
    root.path("services")
        .properties()
        .forEach(e -> out.put(e.getKey(), service(e.getKey(), e.getValue())));
    if (out.isEmpty()) {
      throw new IllegalArgumentException(file + ": no services");
    }
    return new ComposeFile(out);
  }

  private static Service service(String name, JsonNode s) {
    if (!s.hasNonNull("image")) {
      throw new IllegalArgumentException("service " + name + ": no image");
    }
    Map<String, String> env = new LinkedHashMap<>();
    JsonNode e = s.path("environment");
    if (e.isObject()) {
      e.properties().forEach(f -> env.put(f.getKey(), unescape(f.getValue().asText())));
    } else if (e.isArray()) {
      for (JsonNode kv : e) {
        String[] p = kv.asText().split("=", 2);
        env.put(p[0], p.length > 1 ? unescape(p[1]) : "");
      }
    }
    List<Volume> volumes = new ArrayList<>();
    for (JsonNode v : s.path("volumes")) {
      String[] p = v.asText().split(":");
      if (p.length < 2) {
        throw new IllegalArgumentException(
            "service " + name + ": volume '" + v.asText() + "' is not source:target");
      }
      boolean bind = p[0].startsWith(".") || p[0].startsWith("/");
      volumes.add(new Volume(p[0], p[1], !bind));
    }
    HealthCheck check = null;
    JsonNode h = s.path("healthcheck");
    if (h.has("test")) {
      List<String> test = strings(name, "healthcheck.test", h.get("test"));
      List<String> argv =
          switch (test.get(0)) {
            case "CMD" -> test.subList(1, test.size());
            case "CMD-SHELL" -> List.of("sh", "-c", test.get(1));
            default -> List.of("sh", "-c", String.join(" ", test));
          };
      check =
          new HealthCheck(
              argv, duration(h.path("timeout").asText("30s")), h.path("retries").asInt(3));
    }
    List<Dependency> deps = new ArrayList<>();
    JsonNode d = s.path("depends_on");
    if (d.isObject()) {
      d.properties()
          .forEach(
              f ->
                  deps.add(
                      new Dependency(
                          f.getKey(), f.getValue().path("condition").asText("service_started"))));
    } else {
      d.forEach(x -> deps.add(new Dependency(x.asText(), "service_started")));
    }
    return new Service(
        name,
        s.get("image").asText(),
        s.has("build"),
        s.has("entrypoint") ? strings(name, "entrypoint", s.get("entrypoint")) : null,
        s.has("command") ? strings(name, "command", s.get("command")) : List.of(),
        env,
        volumes,
        check,
        deps,
        s.path("network_mode").asText(null),
        s.path("restart").asText("no"));
  }

  private static List<String> strings(String service, String key, JsonNode n) {
    List<String> out = new ArrayList<>();
    if (n.isArray()) {
      n.forEach(x -> out.add(unescape(x.asText())));
    } else if (n.isTextual()) {
      for (String w : n.asText().trim().split("\\s+")) {
        out.add(unescape(w));
      }
    } else {
      throw new IllegalArgumentException("service " + service + ": " + key + " is not a list");
    }
    return out;
  }

  /** Compose writes a literal $ as $$. */
  private static String unescape(String s) {
    return s.replace("$$", "$");
  }

  static Duration duration(String compose) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("(\\d+)(ms|s|m|h)").matcher(compose);
    Duration d = Duration.ZERO;
    while (m.find()) {
      long n = Long.parseLong(m.group(1));
      d =
          d.plus(
              switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
              });
    }
    return d;
  }
}
