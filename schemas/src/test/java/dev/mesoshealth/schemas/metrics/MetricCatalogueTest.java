package dev.mesoshealth.schemas.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class MetricCatalogueTest {
  private final MetricCatalogue catalogue = MetricCatalogue.standard();

  /** One expanded row of shared/metrics.md: canonical name, raw key (null if derived), type. */
  record Row(String canonical, String raw, MetricType type) {}

  @Test
  void everyRowOfMetricsMdResolvesBothWays() throws IOException {
    List<Row> rows = metricsMdRows();

    for (Row row : rows) {
      MetricDefinition definition =
          catalogue.definition(row.canonical()).orElseThrow(() -> missing(row));
      assertThat(definition.type()).as(row.canonical()).isEqualTo(row.type());
      assertThat(definition.listed()).as(row.canonical()).isTrue();
      if (row.raw() == null) {
        assertThat(definition.isDerived()).as(row.canonical()).isTrue();
        continue;
      }
      assertThat(catalogue.resolveRaw(row.raw()))
          .as("raw %s", row.raw())
          .hasValueSatisfying(r -> assertThat(r.key()).isEqualTo(row.canonical()));
      assertThat(catalogue.rawKeys(row.canonical())).as(row.canonical()).contains(row.raw());
    }
    int cataloguedPairs =
        catalogue.definitions().stream()
            .filter(MetricDefinition::listed)
            .mapToInt(d -> Math.max(1, d.rawKeys().size()))
            .sum();
    assertThat(rows).as("rows of metrics.md, expanded").hasSize(cataloguedPairs);
  }

  @Test
  void everyListedDefinitionComesFromARowOfMetricsMd() throws IOException {
    List<String> documented = metricsMdRows().stream().map(Row::canonical).toList();

    for (MetricDefinition d : catalogue.definitions()) {
      if (d.listed()) {
        assertThat(documented)
            .as("%s is marked as listed", d.canonicalName())
            .contains(d.canonicalName());
      }
    }
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "mesos.cluster.eventqueuedispatches | mesos.cluster.event_queue_dispatches",
        "mesos.registrar.statestorems.p99   | mesos.registrar.state_store_ms.p99",
        "mesos.stats.system.memfreebytes    | mesos.stats.system.mem_free_bytes",
        "mesos.cluster.totalframeworks      | mesos.cluster.total_frameworks",
        "MESOS.SLAVE.TASKS_RUNNING          | mesos.slave.tasks_running",
        "mesos.cluster.cpus_percent         | mesos.cluster.cpus_percent",
        "mesos.allocator.role.sharesdominant{role=\"*\"} | mesos.allocator.role.shares_dominant{role=\"*\"}"
      })
  void acceptsSpellingsWithoutUnderscores(String spelling, String canonical) {
    assertThat(catalogue.canonicalName(spelling)).hasValue(canonical);
  }

  @ParameterizedTest
  @ValueSource(strings = {"mesos.cluster.nonsense", "", "master/cpus_percent", "mesos"})
  void rejectsUnknownNames(String name) {
    assertThat(catalogue.canonicalName(name)).isEmpty();
  }

  @Test
  void noTwoNamesCollideWithoutUnderscores() {
    // the constructor refuses collisions; loading the standard catalogue proves there are none
    assertThat(catalogue.definitions()).hasSizeGreaterThan(80);
  }

  static Stream<String> snapshotFixtures() {
    return Stream.of(
        "asgard-agent-1.4.1-metrics-snapshot.json",
        "asgard-master-1.4.1-metrics-snapshot.json",
        "datadog-mesos_master-metrics.json",
        "datadog-mesos_slave-metrics.json",
        "megos-master-1.0-metrics-snapshot.json");
  }

  @ParameterizedTest
  @MethodSource("snapshotFixtures")
  void realSnapshotsMapWithNoCanonicalNameLost(String fixture) throws IOException {
    Map<String, Double> raw = readSnapshot(fixture);

    NormalisedMetrics normalised = catalogue.normalise(raw);

    int catalogued = 0;
    for (Map.Entry<String, Double> e : raw.entrySet()) {
      var resolved = catalogue.resolveRaw(e.getKey());
      if (resolved.isPresent()) {
        catalogued++;
        assertThat(normalised.canonical())
            .as("%s: %s -> %s", fixture, e.getKey(), resolved.get().key())
            .containsEntry(resolved.get().key(), e.getValue());
        assertThat(normalised.raw()).doesNotContainKey(e.getKey());
      } else {
        assertThat(normalised.raw()).as(fixture).containsEntry(e.getKey(), e.getValue());
      }
    }
    int derived = normalised.canonical().size() - catalogued;
    assertThat(catalogued + normalised.raw().size()).isEqualTo(raw.size());
    assertThat(derived).isBetween(0, 1);
    assertThat(catalogued).as("canonical metrics found in %s", fixture).isGreaterThan(25);
  }

  @Test
  void masterSnapshotGetsEveryListedLeaderMetricItHasAndTheDerivedTotal() throws IOException {
    NormalisedMetrics m =
        catalogue.normalise(readSnapshot("asgard-master-1.4.1-metrics-snapshot.json"));

    assertThat(m.canonical())
        .containsKeys(
            "mesos.cluster.cpus_percent",
            "mesos.registrar.state_store_ms.p9999",
            "mesos.stats.elected",
            "mesos.stats.system.load_15min",
            "mesos.cluster.total_frameworks");
    assertThat(m.canonical().get("mesos.cluster.total_frameworks"))
        .isEqualTo(
            m.canonical().get("mesos.cluster.frameworks_active")
                + m.canonical().get("mesos.cluster.frameworks_inactive"));
    assertThat(m.canonical()).containsKey("mesos.allocator.role.shares_dominant{role=\"*\"}");
    assertThat(m.canonical())
        .containsKey(
            "mesos.cluster.task_status_reasons{state=\"failed\",source=\"slave\","
                + "reason=\"container_launch_failed\"}");
  }

  @Test
  void legacyUnprefixedKeysAreKeptAsTheyCame() throws IOException {
    NormalisedMetrics m = catalogue.normalise(readSnapshot("datadog-mesos_master-metrics.json"));

    assertThat(m.raw()).containsKeys("uptime", "elected", "active_tasks_gauge");
  }

  @Test
  void roleNamesWithSlashesAreParsedByPrefixAndSuffix() {
    assertThat(catalogue.resolveRaw("allocator/mesos/roles/eng/web/shares/dominant"))
        .hasValueSatisfying(
            r -> {
              assertThat(r.canonicalName()).isEqualTo("mesos.allocator.role.shares_dominant");
              assertThat(r.labels()).containsEntry("role", "eng/web");
            });
    assertThat(
            catalogue.resolveRaw(
                "allocator/mesos/quota/roles/a/b/c/resources/cpus/offered_or_allocated"))
        .hasValueSatisfying(
            r -> {
              assertThat(r.labels()).containsEntry("role", "a/b/c");
              assertThat(r.labels()).containsEntry("resource", "cpus");
              assertThat(r.key())
                  .isEqualTo(
                      "mesos.allocator.role.quota_offered_or_allocated"
                          + "{role=\"a/b/c\",resource=\"cpus\"}");
            });
  }

  @Test
  void perFrameworkKeysAreAnchoredOnTheFrameworkId() {
    String key =
        "master/frameworks/team/marathon/5f1a4c2e-7e0b-4a53-9c2a-2c0e5d1f6b7a-0001/calls/accept";

    assertThat(catalogue.resolveRaw(key))
        .hasValueSatisfying(
            r -> {
              assertThat(r.canonicalName()).isEqualTo("mesos.framework.calls.accept");
              assertThat(r.labels())
                  .containsEntry("framework", "team/marathon")
                  .containsEntry("framework_id", "5f1a4c2e-7e0b-4a53-9c2a-2c0e5d1f6b7a-0001");
            });
  }

  @Test
  void labelValuesWithQuotesAreEscaped() {
    assertThat(catalogue.resolveRaw("allocator/mesos/roles/we\"ird/shares/dominant"))
        .hasValueSatisfying(
            r ->
                assertThat(r.key())
                    .isEqualTo("mesos.allocator.role.shares_dominant{role=\"we\\\"ird\"}"));
  }

  @Test
  void unknownKeysHaveNoCanonicalName() {
    assertThat(catalogue.resolveRaw("gc/path_removals_failed")).isEmpty();
    assertThat(catalogue.resolveRaw("allocator/mesos/roles//shares/dominant")).isEmpty();
  }

  private static Map<String, Double> readSnapshot(String fixture) throws IOException {
    try (InputStream in = resource("fixtures/mesos/" + fixture)) {
      JsonNode root = new ObjectMapper().readTree(in);
      Map<String, Double> values = new HashMap<>();
      for (Map.Entry<String, JsonNode> e : root.properties()) {
        values.put(e.getKey(), e.getValue().asDouble());
      }
      return values;
    }
  }

  /**
   * Reads the two tables of metrics.md, expanding the abbreviated rows ("tasks_failed / finished",
   * ".p50 .p90", "/min", "...") the way a reader of the page would.
   */
  static List<Row> metricsMdRows() throws IOException {
    String text;
    try (InputStream in = resource("metrics.md")) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    List<Row> rows = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (!line.startsWith("| mesos.")) {
        continue;
      }
      String[] cells = line.split("\\|");
      String canonicalCell = cells[1].trim();
      String rawCell = cells[2].trim();
      MetricType type = cells[3].trim().equals("C") ? MetricType.COUNTER : MetricType.GAUGE;

      List<String> tokens =
          List.of(canonicalCell.replace(" / ", " ").split(" +")).stream()
              .filter(t -> !t.isBlank())
              .toList();
      String base = tokens.get(0);
      List<String> canonical = new ArrayList<>();
      canonical.add(base);
      for (String alternative : tokens.subList(1, tokens.size())) {
        canonical.add(replaceSuffix(base, alternative, '.'));
      }

      if (rawCell.contains(" + ")) {
        rows.add(new Row(base, null, type));
        continue;
      }
      List<String> raw = new ArrayList<>();
      String rawBase = rawCell.split("[ ,]")[0];
      raw.add(rawBase);
      if (rawCell.contains("...")) {
        for (String alternative : tokens.subList(1, tokens.size())) {
          raw.add(replaceSuffix(rawBase, alternative.replace('.', '/'), '/'));
        }
      } else {
        for (String alternative : rawCell.split(", ")) {
          if (alternative.startsWith("/")) {
            raw.add(rawBase.substring(0, rawBase.lastIndexOf('/')) + alternative);
          }
        }
      }
      assertThat(raw).as("row %s", line).hasSameSizeAs(canonical);
      for (int i = 0; i < canonical.size(); i++) {
        rows.add(new Row(canonical.get(i), raw.get(i), type));
      }
    }
    return rows;
  }

  /**
   * "tasks_failed" + "finished" -> "tasks_finished"; "cpus_percent" + "mem_percent" ->
   * "mem_percent"; "state_store_ms.p50" + ".p90" -> "state_store_ms.p90".
   */
  private static String replaceSuffix(String base, String alternative, char separator) {
    int segment = base.lastIndexOf(separator);
    if (alternative.charAt(0) == separator) {
      return base.substring(0, segment) + alternative;
    }
    if (alternative.contains("_")) {
      return base.substring(0, segment + 1) + alternative;
    }
    return base.substring(0, base.lastIndexOf('_') + 1) + alternative;
  }

  private static InputStream resource(String path) {
    InputStream in = MetricCatalogueTest.class.getClassLoader().getResourceAsStream(path);
    assertThat(in).as("test resource " + path).isNotNull();
    return in;
  }

  private static AssertionError missing(Row row) {
    return new AssertionError("metrics.md row " + row.canonical() + " is not in the catalogue");
  }
}
