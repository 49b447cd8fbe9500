package dev.mesoshealth.bisink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mesoshealth.service.ConfigException;
import dev.mesoshealth.service.SharedConfig;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** BiSinkMain's checks before it starts a worker, and the connectors it derives. */
class BiSinkTest {
  private static BiSinkConfig config(Map<String, String> more) {
    Map<String, String> f = new java.util.HashMap<>();
    f.put(SharedConfig.KAFKA_BOOTSTRAP_SERVERS, "127.0.0.1:9092");
    f.put("jdbc.url", "jdbc:postgresql://db:5432/mesos_health");
    f.putAll(more);
    return BiSinkConfig.fromFlags(f);
  }

  @Test
  void aMissingPluginDirectoryIsAConfigurationError() {
    BiSinkConfig c = config(Map.of()).withPluginPath(Path.of("target/no-such-plugins"));

    assertThatThrownBy(() -> BiSinkMain.start(c))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("connect.plugin.path: no directory");
  }

  @Test
  void everyShippedConnectorGetsTheDatabaseAndTaskCount() {
    BiSinkConfig c = config(Map.of("jdbc.user", "mesos", "connect.tasks.max", "2"));

    assertThat(BiSinkMain.connectors(c))
        .hasSize(BiSinkMain.CONNECTOR_FILES.size())
        .allSatisfy(
            spec -> {
              assertThat(spec.config())
                  .containsEntry("connection.url", "jdbc:postgresql://db:5432/mesos_health")
                  .containsEntry("connection.username", "mesos")
                  .containsEntry("tasks.max", "2")
                  .doesNotContainKey("connection.password");
            });
  }
}
