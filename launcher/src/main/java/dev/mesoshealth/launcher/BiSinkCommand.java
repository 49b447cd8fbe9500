package dev.mesoshealth.launcher;

import dev.mesoshealth.bisink.BiSinkConfig;
import dev.mesoshealth.bisink.BiSinkMain;
import dev.mesoshealth.service.SharedConfig;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mesos-health bi-sink}: the BI feed topics into SQL tables through Kafka Connect. */
@Command(
    name = "bi-sink",
    mixinStandardHelpOptions = true,
    description = {
      "Loads the BI feed topics into a database through Kafka Connect: a standalone worker"
          + " runs Debezium's JDBC sink, one connector per feed.",
      "Tables node_health_minutely, capacity_minutely and health_transitions are created and"
          + " upserted on their primary keys, so a replay writes no duplicates."
    })
final class BiSinkCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", description = "Kafka brokers.")
  String bootstrapServers;

  @Option(
      names = "--jdbc-url",
      paramLabel = "URL",
      description = "Database, e.g. jdbc:postgresql://db:5432/mesos_health.")
  String jdbcUrl;

  @Option(names = "--user", description = "Database user.")
  String user;

  @Override
  public Integer call() throws Exception {
    Map<String, String> flags = new LinkedHashMap<>();
    flags.put(SharedConfig.KAFKA_BOOTSTRAP_SERVERS, bootstrapServers);
    flags.put("jdbc.url", jdbcUrl);
    flags.put("jdbc.user", user);
    BiSinkConfig c =
        BiSinkConfig.from(config.load(BiSinkConfig.DEFINITION, SharedConfig.PASS_THROUGH, flags));
    if (c.pluginPath() == null) {
      c = c.withPluginPath(distDir().resolve("connect-plugins"));
    }
    BiSinkMain running = BiSinkMain.start(c);
    System.out.println("bi-sink: Connect worker at " + running.restUrl() + " -> " + c.jdbcUrl());
    return Services.runUntilStopped(running, "bi-sink");
  }

  /** The directory mesos-health.jar lies in (the build's target/dist, or the install). */
  private static Path distDir() throws URISyntaxException {
    return Path.of(MesosHealthCli.class.getProtectionDomain().getCodeSource().getLocation().toURI())
        .getParent();
  }
}
