package dev.mesoshealth.processor.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.internals.InternalTopologyBuilder;
import org.junit.jupiter.api.Test;

/**
 * The processor's topology as Kafka Streams sees it, against a copy kept in the repository: a
 * renamed processor, store, repartition or changelog topic changes what a running deployment
 * restores from, so it must be a reviewed change of {@code topology.golden.txt}, not an accident.
 * After a deliberate change: {@code ./mvnw -pl processor test -Dtest=TopologyGoldenTest
 * -Dgolden.update=true}, then review the diff.
 */
class TopologyGoldenTest {
  private static final String APPLICATION_ID = "mesos-health-processor";
  private static final Path GOLDEN = Path.of("src/test/resources/topology.golden.txt");

  @Test
  void theTopologyIsTheReviewedOne() throws Exception {
    Topology topology =
        HealthTopology.build(HealthTopology.Settings.defaults(), TopologyMetrics.NONE);
    String actual = topology.describe() + "\n" + internalTopics(topology);
    if (Boolean.getBoolean("golden.update")) {
      Files.writeString(GOLDEN, actual, StandardCharsets.UTF_8);
    }
    assertThat(actual)
        .as(
            "the topology differs from %s; if that is meant, regenerate it (see this class)",
            GOLDEN)
        .isEqualTo(Files.readString(GOLDEN, StandardCharsets.UTF_8));
  }

  @Test
  void everyStoreAndInternalTopicIsNamedInStoreNames() throws Exception {
    Set<String> named = new TreeSet<>();
    for (Field f : StoreNames.class.getFields()) {
      named.add((String) f.get(null));
    }
    Topology topology =
        HealthTopology.build(HealthTopology.Settings.defaults(), TopologyMetrics.NONE);
    Set<String> used = new TreeSet<>(builder(topology).stateStores().keySet());
    builder(topology)
        .subtopologyToTopicsInfo()
        .values()
        .forEach(
            info ->
                info.repartitionSourceTopics.keySet().stream()
                    .map(
                        t ->
                            t.substring(
                                APPLICATION_ID.length() + 1, t.length() - "-repartition".length()))
                    .forEach(used::add));
    assertThat(used).isEqualTo(named);
  }

  private static InternalTopologyBuilder builder(Topology topology)
      throws ReflectiveOperationException {
    // the public description names stores, not whether they keep a changelog
    Field field = Topology.class.getDeclaredField("internalTopologyBuilder");
    field.setAccessible(true);
    InternalTopologyBuilder builder = (InternalTopologyBuilder) field.get(topology);
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    return builder.setApplicationId(APPLICATION_ID).rewriteTopology(new StreamsConfig(props));
  }

  /** Every store with its changelog (or none), and every repartition topic. */
  private static String internalTopics(Topology topology) throws ReflectiveOperationException {
    InternalTopologyBuilder builder = builder(topology);
    Map<String, String> lines = new TreeMap<>();
    builder
        .stateStores()
        .forEach(
            (name, store) ->
                lines.put(
                    "store " + name,
                    (store.isWindowStore() ? "window, " : "key-value, ")
                        + (store.loggingEnabled()
                            ? "changelog " + APPLICATION_ID + "-" + name + "-changelog"
                            : "no changelog")));
    builder
        .subtopologyToTopicsInfo()
        .values()
        .forEach(
            info ->
                info.repartitionSourceTopics
                    .keySet()
                    .forEach(n -> lines.put("topic " + n, "repartition")));
    StringBuilder out = new StringBuilder("Stores and internal topics:\n");
    lines.forEach((k, v) -> out.append("  ").append(k).append(": ").append(v).append('\n'));
    return out.toString();
  }
}
