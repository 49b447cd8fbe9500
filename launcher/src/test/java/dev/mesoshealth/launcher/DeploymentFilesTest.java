package dev.mesoshealth.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * docker-compose.yml and the Dockerfile cannot be run here (no Docker engine), so what can be
 * checked is checked: the file is well-formed Compose, every service of ours runs a real subcommand
 * with flags that parse, every MESOS_HEALTH_* variable is a configuration key of that service,
 * every reference (depends_on, network_mode, volumes) resolves, and every service has a health
 * check.
 */
class DeploymentFilesTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final String OUR_IMAGE = "mesos-health:latest";

  private static JsonNode compose() throws IOException {
    return new ObjectMapper(new YAMLFactory())
        .readTree(ROOT.resolve("docker-compose.yml").toFile());
  }

  @Test
  void everyServiceOfOursRunsARealCommandWithKnownConfiguration() throws IOException {
    JsonNode services = compose().path("services");
    assertThat(services.size()).isGreaterThanOrEqualTo(5);
    List<String> ours = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : services.properties()) {
      String name = e.getKey();
      JsonNode s = e.getValue();
      assertThat(s.path("image").asText()).as("%s: image", name).isNotEmpty();
      if (!s.path("image").asText().equals(OUR_IMAGE)) {
        continue;
      }
      ours.add(name);
      assertThat(s.path("build").asText()).as("%s builds our Dockerfile", name).isEqualTo(".");
      if (s.has("entrypoint")) {
        continue; // Kafka Connect, not a subcommand: see theConnectWorker...
      }
      List<String> args = new ArrayList<>();
      s.path("command").forEach(a -> args.add(a.asText()));
      assertThat(args).as("%s: command as a list", name).isNotEmpty();
      // parses exactly as the CLI would, without running anything
      CommandLine.ParseResult parsed =
          new CommandLine(new MesosHealthCli()).parseArgs(args.toArray(String[]::new));
      String command = parsed.subcommand().commandSpec().name();
      assertThat(command).isEqualTo(args.get(0));
      for (Map.Entry<String, JsonNode> env : s.path("environment").properties()) {
        String var = env.getKey();
        assertThat(var).as("%s: variable %s", name, var).startsWith("MESOS_HEALTH_");
        ConfigCommand.ServiceDefinition def = ConfigCommand.SERVICES.get(command);
        assertThat(def).as("%s: '%s' takes configuration", name, command).isNotNull();
        String key =
            var.substring("MESOS_HEALTH_".length()).toLowerCase(Locale.ROOT).replace('_', '.');
        assertThat(
                def.definition().names().contains(key)
                    || def.passThrough().stream().anyMatch(key::startsWith))
            .as("%s: %s is the configuration key %s of %s", name, var, key, command)
            .isTrue();
      }
    }
    assertThat(ours)
        .contains(
            "mesos-sim",
            "collector",
            "processor-1",
            "processor-2",
            "console",
            "haproxy-updater",
            "etcd-updater");
  }

  @Test
  void theConnectWorkerRunsTheShippedConfigurationWithTheDatabaseSettingsItNeeds()
      throws Exception {
    JsonNode services = compose().path("services");
    JsonNode connect = services.path("connect");
    List<String> entrypoint = new ArrayList<>();
    connect.path("entrypoint").forEach(a -> entrypoint.add(a.asText()));
    String mainClass = entrypoint.get(entrypoint.size() - 2);
    assertThat(Class.forName(mainClass)).as("on the image's classpath (lib/)").isNotNull();
    String workerFile = entrypoint.get(entrypoint.size() - 1);
    assertThat(connect.path("volumes").get(0).asText())
        .isEqualTo("./config/connect:/etc/mesos-health/connect:ro");
    Path worker =
        ROOT.resolve("config/connect").resolve(Path.of(workerFile).getFileName().toString());
    java.util.Properties props = new java.util.Properties();
    try (var in = Files.newBufferedReader(worker)) {
      props.load(in);
    }
    Map<String, String> config = new java.util.HashMap<>();
    props.forEach((k, v) -> config.put((String) k, (String) v));
    // Connect's own validation of a distributed worker's settings
    new org.apache.kafka.connect.runtime.distributed.DistributedConfig(config);
    assertThat(config.get("plugin.path"))
        .as("where the Dockerfile puts the dist's connect-plugins")
        .isEqualTo("/opt/mesos-health/connect-plugins");
    assertThat(Files.readString(ROOT.resolve("Dockerfile")))
        .contains("COPY --from=build /src/launcher/target/dist /opt/mesos-health");
    // every ${env:X} of the connector files is set for the worker
    JsonNode env = connect.path("environment");
    java.util.regex.Pattern placeholder = java.util.regex.Pattern.compile("\\$\\{env:([A-Z_]+)}");
    for (String file : dev.mesoshealth.bisink.BiSinkMain.CONNECTOR_FILES) {
      java.util.regex.Matcher m =
          placeholder.matcher(Files.readString(ROOT.resolve("config/connect").resolve(file)));
      int found = 0;
      while (m.find()) {
        found++;
        assertThat(env.has(m.group(1))).as("%s needs %s", file, m.group(1)).isTrue();
      }
      assertThat(found)
          .as("%s reads the database settings from the environment", file)
          .isEqualTo(3);
    }
    assertThat(services.path("connect-init").path("command").get(0).asText())
        .contains("/etc/mesos-health/connect/bi-*.json", "http://connect:8083/connectors");
  }

  @Test
  void referencesResolveAndEveryServiceHasAHealthCheck() throws IOException {
    JsonNode root = compose();
    JsonNode services = root.path("services");
    for (Map.Entry<String, JsonNode> e : services.properties()) {
      String name = e.getKey();
      JsonNode s = e.getValue();
      if (!name.equals("connect-init")) { // a one-shot job
        assertThat(s.path("healthcheck").path("test").isArray())
            .as("%s has a health check", name)
            .isTrue();
      }
      s.path("depends_on")
          .fieldNames()
          .forEachRemaining(
              d -> assertThat(services.has(d)).as("%s depends on %s", name, d).isTrue());
      String network = s.path("network_mode").asText();
      if (network.startsWith("service:")) {
        assertThat(services.has(network.substring("service:".length()))).isTrue();
        assertThat(s.has("ports")).as("%s shares a namespace: no ports of its own", name).isFalse();
      }
      for (JsonNode v : s.path("volumes")) {
        String source = v.asText().split(":")[0];
        if (!source.startsWith(".") && !source.startsWith("/")) {
          assertThat(root.path("volumes").has(source)).as("%s: volume %s", name, source).isTrue();
        }
      }
    }
    // two processors share the work: same application id, each advertising its own name
    for (String p : List.of("processor-1", "processor-2")) {
      JsonNode env = services.path(p).path("environment");
      assertThat(env.path("MESOS_HEALTH_APPLICATION_ID").asText())
          .isEqualTo("mesos-health-processor");
      assertThat(env.path("MESOS_HEALTH_API_ADVERTISED_HOST").asText()).isEqualTo(p);
    }
  }

  @Test
  void thePrometheusConfigurationAndAlertRulesPassPromtoolAndTheirOwnTests() throws Exception {
    java.nio.file.Path promtool =
        dev.mesoshealth.testkit.Prerequisites.executable("prometheus", "/usr/bin/promtool");
    java.nio.file.Path dir = ROOT.resolve("deploy/prometheus");
    for (List<String> args :
        List.of(
            List.of("check", "config", "--syntax-only", "prometheus.yml"),
            List.of("check", "rules", "alerts.yml"),
            List.of("test", "rules", "alerts.test.yml"))) {
      List<String> command = new java.util.ArrayList<>(List.of(promtool.toString()));
      command.addAll(args);
      Process p =
          new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
      String out =
          new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      assertThat(p.waitFor()).as("promtool %s:%n%s", args, out).isZero();
    }
    // every series the rules use is one the processor exports
    String rules = Files.readString(dir.resolve("alerts.yml"));
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("mesos_health_[a-z_]+").matcher(rules);
    String exported =
        Files.readString(
            ROOT.resolve(
                "processor/src/main/java/dev/mesoshealth/processor/query/HealthSeries.java"));
    while (m.find()) {
      assertThat(exported).as("a rule uses %s", m.group()).contains("\"" + m.group() + "\"");
    }
  }

  @Test
  void theHaproxyConfigurationIsValidAndHasABackendForEverySimulatedApp() throws Exception {
    java.nio.file.Path cfg = ROOT.resolve("deploy/haproxy/haproxy.cfg");
    java.nio.file.Path haproxy =
        dev.mesoshealth.testkit.Prerequisites.executable(
            "haproxy", "/usr/sbin/haproxy", "/usr/bin/haproxy");
    Process check =
        new ProcessBuilder(haproxy.toString(), "-c", "-f", cfg.toString())
            .redirectErrorStream(true)
            .start();
    String out =
        new String(check.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(check.waitFor()).as(out).isZero();
    // the backends are the marathon-lb names of the simulator's apps (the compose sim's seed)
    dev.mesoshealth.sim.cluster.SimCluster sim =
        new dev.mesoshealth.sim.cluster.SimCluster(
            dev.mesoshealth.sim.SimConfig.standard(3, 200, 7).withCluster("sim"),
            java.time.Clock.systemUTC());
    String text = Files.readString(cfg);
    for (dev.mesoshealth.sim.cluster.MarathonApp app : sim.apps()) {
      String backend =
          dev.mesoshealth.processor.endpoints.EndpointMemory.backendName(
              app.id(), app.servicePorts().get(0));
      assertThat(text).contains("backend " + backend + "\n");
    }
    JsonNode compose = compose().path("services");
    assertThat(
            compose
                .path("haproxy-updater")
                .path("environment")
                .path("MESOS_HEALTH_HAPROXY_SOCKETS")
                .asText())
        .isEqualTo("ipv4@haproxy:9999");
    assertThat(text).contains("stats socket ipv4@0.0.0.0:9999 level admin");
  }

  @Test
  void theDockerfileRunsTheDistributionTheBuildMakes() throws IOException {
    String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
    String pom = Files.readString(ROOT.resolve("launcher/pom.xml"));
    String launcher = Files.readString(ROOT.resolve("bin/mesos-health"));
    assertThat(pom).contains("<outputDirectory>${project.build.directory}/dist</outputDirectory>");
    assertThat(launcher).contains("launcher/target/dist/mesos-health.jar");
    assertThat(dockerfile)
        .containsPattern("FROM eclipse-temurin:17\\.\\d+\\.\\d+_\\d+-jre\n")
        .contains("COPY --from=build /src/launcher/target/dist /opt/mesos-health")
        .contains("\"-jar\", \"/opt/mesos-health/mesos-health.jar\"");
  }

  @Test
  void everyImageIsPinnedToARelease() throws IOException {
    List<String> images = new ArrayList<>();
    Files.readString(ROOT.resolve("Dockerfile"))
        .lines()
        .filter(l -> l.startsWith("FROM "))
        .forEach(l -> images.add(l.split("\\s+")[1]));
    new ObjectMapper(new YAMLFactory())
        .readTree(ROOT.resolve("docker-compose.yml").toFile())
        .path("services")
        .forEach(s -> images.add(s.path("image").asText()));
    assertThat(images)
        .filteredOn(i -> !i.equals("mesos-health:latest")) // built from this repository
        .isNotEmpty()
        .allSatisfy(
            i ->
                assertThat(i)
                    .as("a floating tag changes under a deployment")
                    .matches(
                        // PostgreSQL's releases are major.minor (16.6); everyone else's x.y.z
                        i.startsWith("postgres:")
                            ? "postgres:\\d+\\.\\d+"
                            : ".+:v?\\d+\\.\\d+\\.\\d+([._-].+)?"));
  }
}
