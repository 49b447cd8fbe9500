package dev.mesoshealth.sim.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.mesoshealth.service.Durations;
import dev.mesoshealth.sim.cluster.FaultSpec;
import dev.mesoshealth.sim.control.ControlApi;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A script of faults: each step injects a fault at an offset from the start, optionally again at a
 * fixed period. Written in YAML or JSON:
 *
 * <pre>
 * steps:
 *   - at: 30s
 *     every: 4m
 *     fault: DOWN
 *     target: random-agent
 *     duration: 45s
 * </pre>
 */
public record Scenario(List<Step> steps) {

  /** One step: at {@code at} (and then every {@code every}, if set) inject {@code fault}. */
  public record Step(Duration at, Duration every, FaultSpec fault) {}

  public Scenario {
    steps = List.copyOf(steps);
  }

  public static Scenario parse(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return parse(in, file.toString());
    }
  }

  /** Parses a scenario; {@code name} ends in .json for JSON, anything else is read as YAML. */
  public static Scenario parse(InputStream in, String name) throws IOException {
    ObjectMapper mapper =
        name.endsWith(".json") ? new ObjectMapper() : new ObjectMapper(new YAMLFactory());
    JsonNode root;
    try {
      root = mapper.readTree(in);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "scenario "
              + name
              + ": not valid "
              + (name.endsWith(".json") ? "JSON" : "YAML")
              + ": "
              + e.getMessage().lines().findFirst().orElse(""));
    }
    if (root == null || !root.has("steps") || !root.get("steps").isArray()) {
      throw new IllegalArgumentException(
          "scenario " + name + ": expected a top-level 'steps' list");
    }
    List<Step> steps = new ArrayList<>();
    int n = 0;
    for (JsonNode step : root.get("steps")) {
      n++;
      try {
        Duration at =
            step.hasNonNull("at") ? Durations.parse(step.get("at").asText()) : Duration.ZERO;
        Duration every =
            step.hasNonNull("every") ? Durations.parse(step.get("every").asText()) : null;
        if (every != null && every.compareTo(Duration.ofSeconds(1)) < 0) {
          throw new IllegalArgumentException("'every' must be at least 1s");
        }
        if (!step.hasNonNull("fault")) {
          throw new IllegalArgumentException("'fault' is required");
        }
        com.fasterxml.jackson.databind.node.ObjectNode spec = mapper.createObjectNode();
        spec.set("kind", step.get("fault"));
        spec.set("target", step.get("target"));
        spec.set("duration", step.get("duration"));
        spec.set("params", step.get("params"));
        steps.add(new Step(at, every, ControlApi.parseSpec(spec)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "scenario " + name + ": step " + n + ": " + e.getMessage());
      }
    }
    return new Scenario(steps);
  }
}
