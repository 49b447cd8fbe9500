package dev.mesoshealth.bisink;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mesoshealth.service.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.cli.ConnectStandalone;
import org.apache.kafka.connect.runtime.Connect;
import org.apache.kafka.connect.runtime.Herder;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorInfo;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.runtime.standalone.StandaloneHerder;
import org.apache.kafka.connect.util.FutureCallback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka Connect standalone worker, in this JVM, running Debezium's JDBC sink once per BI feed
 * topic. The connector configurations are the files shipped in {@code config/connect/} (the same
 * ones a distributed Connect cluster runs), with the database settings filled in from ours.
 */
public final class BiSinkMain implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BiSinkMain.class);

  /** The shipped connector files, one per feed topic. */
  public static final List<String> CONNECTOR_FILES =
      List.of("bi-node-health-minutely.json", "bi-capacity-minutely.json", "bi-transitions.json");

  /** A connector as Connect's REST API takes it: a name and its configuration. */
  public record ConnectorSpec(String name, Map<String, String> config) {}

  private final Connect<StandaloneHerder> connect;
  private final List<String> names;

  private BiSinkMain(Connect<StandaloneHerder> connect, List<String> names) {
    this.connect = connect;
    this.names = names;
  }

  public static BiSinkMain start(BiSinkConfig config) throws Exception {
    if (config.pluginPath() == null || !Files.isDirectory(config.pluginPath())) {
      throw new ConfigException(
          "connect.plugin.path: no directory "
              + config.pluginPath()
              + " (it holds Debezium's JDBC sink plugin; the build puts it in connect-plugins"
              + " next to mesos-health.jar)");
    }
    Files.createDirectories(config.offsetsFile().toAbsolutePath().getParent());
    Connect<StandaloneHerder> connect = new ConnectStandalone().startConnect(workerProps(config));
    try {
      List<ConnectorSpec> specs = connectors(config);
      for (ConnectorSpec spec : specs) {
        FutureCallback<Herder.Created<ConnectorInfo>> done = new FutureCallback<>();
        connect.herder().putConnectorConfig(spec.name(), spec.config(), true, done);
        done.get(60, TimeUnit.SECONDS);
        LOG.info("bi-sink: connector {} -> {}", spec.name(), spec.config().get("topics"));
      }
      return new BiSinkMain(connect, specs.stream().map(ConnectorSpec::name).toList());
    } catch (Exception e) {
      connect.stop();
      throw e;
    }
  }

  /** The worker's settings: ours, with {@code kafka.*} also given to the sinks' consumers. */
  static Map<String, String> workerProps(BiSinkConfig c) {
    Map<String, String> w = new LinkedHashMap<>();
    c.kafka().settings().forEach(w::put);
    c.kafka().settings().forEach((k, v) -> w.put("consumer." + k, v));
    // a sink never creates the feed it reads: created first by accident, it would take the
    // broker's num.partitions (usually 1) instead of the processor's topics.partitions
    w.put("consumer.allow.auto.create.topics", "false");
    w.put("bootstrap.servers", c.kafka().bootstrapServers());
    w.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
    w.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
    w.put("offset.storage.file.filename", c.offsetsFile().toAbsolutePath().toString());
    w.put("plugin.path", c.pluginPath().toAbsolutePath().toString());
    // every plugin we load declares itself to the ServiceLoader: no classpath scan at start
    w.put("plugin.discovery", "service_load");
    w.put("listeners", "http://" + c.restHost() + ":" + c.restPort());
    w.put("offset.flush.interval.ms", "5000");
    return w;
  }

  /** The shipped connector configurations with the database settings and task count filled in. */
  static List<ConnectorSpec> connectors(BiSinkConfig c) {
    return CONNECTOR_FILES.stream()
        .map(BiSinkMain::shipped)
        .map(
            spec -> {
              Map<String, String> config = new LinkedHashMap<>(spec.config());
              config.put("name", spec.name()); // the REST API adds it; the herder needs it given
              config.put("connection.url", c.jdbcUrl());
              config.remove("connection.username");
              config.remove("connection.password");
              if (!c.jdbcUser().isEmpty()) {
                config.put("connection.username", c.jdbcUser());
              }
              if (!c.jdbcPassword().isEmpty()) {
                config.put("connection.password", c.jdbcPassword());
              }
              config.put("tasks.max", Integer.toString(c.tasksMax()));
              return new ConnectorSpec(spec.name(), config);
            })
        .toList();
  }

  /** One shipped connector file, as it is in {@code config/connect/}. */
  public static ConnectorSpec shipped(String file) {
    try (InputStream in = BiSinkMain.class.getResourceAsStream("/connect/" + file)) {
      if (in == null) {
        throw new IllegalStateException("connector file connect/" + file + " is not packaged");
      }
      JsonNode json = new ObjectMapper().readTree(in);
      Map<String, String> config =
          new ObjectMapper().convertValue(json.get("config"), new TypeReference<>() {});
      return new ConnectorSpec(json.get("name").asText(), config);
    } catch (IOException e) {
      throw new UncheckedIOException("connector file connect/" + file, e);
    }
  }

  /** Each connector's state and its tasks' ("RUNNING", or "FAILED: first line of the trace"). */
  public Map<String, String> status() {
    Map<String, String> out = new LinkedHashMap<>();
    for (String name : names) {
      ConnectorStateInfo s = connect.herder().connectorStatus(name);
      StringBuilder state = new StringBuilder(describe(s.connector()));
      s.tasks()
          .forEach(t -> state.append(", task ").append(t.id()).append(' ').append(describe(t)));
      out.put(name, state.toString());
    }
    return out;
  }

  /** True when every connector and every task runs. */
  public boolean running() {
    for (String name : names) {
      ConnectorStateInfo s = connect.herder().connectorStatus(name);
      if (!"RUNNING".equals(s.connector().state())
          || s.tasks().isEmpty()
          || s.tasks().stream().anyMatch(t -> !"RUNNING".equals(t.state()))) {
        return false;
      }
    }
    return true;
  }

  public String restUrl() {
    return connect.rest().serverUrl().toString();
  }

  private static String describe(ConnectorStateInfo.AbstractState s) {
    String trace = s.trace();
    return trace == null || trace.isBlank()
        ? s.state()
        : s.state() + ": " + trace.lines().findFirst().orElse("");
  }

  @Override
  public void close() {
    connect.stop();
  }
}
