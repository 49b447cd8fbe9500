package dev.mesoshealth.schemas.metrics;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Raw Mesos {@code /metrics/snapshot} keys to the canonical dotted names ops know (the Datadog
 * convention), with type, unit and meaning. Static keys come from {@code metric-catalogue.tsv};
 * per-role, per-framework and reason-coded keys from {@link DynamicMetricRule}s. Lookups by name
 * also accept the older spellings without underscores ({@code mesos.cluster.eventqueuedispatches}).
 * Immutable and thread-safe.
 */
public final class MetricCatalogue {
  private static final String RESOURCE = "/dev/mesoshealth/schemas/metric-catalogue.tsv";
  private static final int MAX_CACHED_DYNAMIC_KEYS = 100_000;

  private static final MetricCatalogue STANDARD = load();

  private final List<MetricDefinition> definitions;
  private final Map<String, MetricDefinition> byRawKey;
  private final Map<String, MetricDefinition> byName;
  private final Map<String, String> byCompactName;
  private final List<DynamicMetricRule> dynamicRules;
  private final Map<String, Optional<ResolvedMetric>> dynamicCache = new ConcurrentHashMap<>();

  private MetricCatalogue(List<MetricDefinition> definitions, List<DynamicMetricRule> rules) {
    this.definitions = List.copyOf(definitions);
    this.dynamicRules = List.copyOf(rules);
    Map<String, MetricDefinition> raw = new HashMap<>();
    Map<String, MetricDefinition> names = new LinkedHashMap<>();
    Map<String, String> compact = new HashMap<>();
    for (MetricDefinition d : definitions) {
      for (String key : d.rawKeys()) {
        if (raw.put(key, d) != null) {
          throw new IllegalStateException("raw key " + key + " is catalogued twice");
        }
      }
      names.put(d.canonicalName(), d);
      String previous = compact.put(compact(d.canonicalName()), d.canonicalName());
      if (previous != null) {
        throw new IllegalStateException(
            d.canonicalName() + " and " + previous + " are the same without underscores");
      }
    }
    this.byRawKey = Collections.unmodifiableMap(raw);
    this.byName = Collections.unmodifiableMap(names);
    this.byCompactName = Collections.unmodifiableMap(compact);
  }

  /** The catalogue of shared/metrics.md plus the extras the rules read. */
  public static MetricCatalogue standard() {
    return STANDARD;
  }

  /** Every static and derived metric, in catalogue order. */
  public List<MetricDefinition> definitions() {
    return definitions;
  }

  /** Canonical name of a raw key, with labels for dynamic keys; empty when it has none. */
  public Optional<ResolvedMetric> resolveRaw(String rawKey) {
    MetricDefinition d = byRawKey.get(rawKey);
    if (d != null) {
      return Optional.of(
          new ResolvedMetric(d.canonicalName(), d.canonicalName(), Map.of(), d.type(), d.unit()));
    }
    Optional<ResolvedMetric> cached = dynamicCache.get(rawKey);
    if (cached != null) {
      return cached;
    }
    Optional<ResolvedMetric> resolved = Optional.empty();
    for (DynamicMetricRule rule : dynamicRules) {
      resolved = rule.match(rawKey);
      if (resolved.isPresent()) {
        break;
      }
    }
    if (dynamicCache.size() < MAX_CACHED_DYNAMIC_KEYS) {
      dynamicCache.put(rawKey, resolved);
    }
    return resolved;
  }

  /**
   * Whether a raw key belongs to a family whose members come and go (per role, per framework, per
   * reason), as opposed to a key every snapshot of the node has.
   */
  public boolean isDynamic(String rawKey) {
    return !byRawKey.containsKey(rawKey) && resolveRaw(rawKey).isPresent();
  }

  /** Raw keys a canonical name (any accepted spelling) comes from; empty for unknown names. */
  public List<String> rawKeys(String name) {
    return definition(name).map(MetricDefinition::rawKeys).orElse(List.of());
  }

  /** The definition of a static or derived metric by canonical or underscore-less name. */
  public Optional<MetricDefinition> definition(String name) {
    return canonicalName(name).map(byName::get);
  }

  /**
   * The canonical spelling of a metric key, labels kept: exact names, underscore-less names and
   * dynamic names (with or without labels) are accepted. Case-insensitive. Empty when unknown.
   */
  public Optional<String> canonicalName(String spelling) {
    if (spelling == null || spelling.isBlank()) {
      return Optional.empty();
    }
    String name = MetricKeys.name(spelling.trim());
    String labels = MetricKeys.labelPart(spelling.trim());
    if (byName.containsKey(name)) {
      return Optional.of(name + labels);
    }
    String exact = byCompactName.get(compact(name));
    if (exact != null) {
      return Optional.of(exact + labels);
    }
    for (DynamicMetricRule rule : dynamicRules) {
      String template = rule.canonicalTemplate();
      if (!template.contains("{") && compact(template).equals(compact(name))) {
        return Optional.of(template + labels);
      }
      if (template.contains("{")) {
        String fixed = template.substring(0, template.indexOf('{'));
        if (compact(name).startsWith(compact(fixed)) && name.length() > fixed.length()) {
          return Optional.of(name + labels);
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Splits a raw snapshot into canonical and uncatalogued keys and adds derived metrics. Nothing is
   * dropped: every raw key lands in exactly one of the two maps.
   */
  public NormalisedMetrics normalise(Map<String, Double> rawSnapshot) {
    Map<String, Double> canonical = new HashMap<>(rawSnapshot.size() * 2);
    Map<String, Double> uncatalogued = new HashMap<>();
    for (Map.Entry<String, Double> e : rawSnapshot.entrySet()) {
      Optional<ResolvedMetric> resolved = resolveRaw(e.getKey());
      if (resolved.isPresent()) {
        canonical.put(resolved.get().key(), e.getValue());
      } else {
        uncatalogued.put(e.getKey(), e.getValue());
      }
    }
    for (MetricDefinition d : definitions) {
      if (d.isDerived() && canonical.keySet().containsAll(d.derivedFrom())) {
        double sum = 0;
        for (String input : d.derivedFrom()) {
          sum += canonical.get(input);
        }
        canonical.put(d.canonicalName(), sum);
      }
    }
    return new NormalisedMetrics(canonical, uncatalogued);
  }

  private static String compact(String name) {
    return name.replace("_", "").toLowerCase(Locale.ROOT);
  }

  private static MetricCatalogue load() {
    Map<String, MetricDefinitionBuilder> builders = new LinkedHashMap<>();
    try (InputStream in = MetricCatalogue.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("metric catalogue " + RESOURCE + " missing from the jar");
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String line;
      int lineNo = 0;
      while ((line = reader.readLine()) != null) {
        lineNo++;
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] cols = line.split("\t");
        if (cols.length != 7) {
          throw new IllegalStateException(
              RESOURCE + ":" + lineNo + ": expected 7 tab-separated columns, got " + cols.length);
        }
        MetricDefinitionBuilder b =
            builders.computeIfAbsent(cols[0], name -> new MetricDefinitionBuilder(name));
        b.rawKeys.add(cols[1]);
        b.type = MetricType.valueOf(cols[2].toUpperCase(Locale.ROOT));
        b.unit = cols[3];
        MetricSource source =
            MetricSource.valueOf(cols[4].toUpperCase(Locale.ROOT).replace('-', '_'));
        if (!b.sources.contains(source)) {
          b.sources.add(source);
        }
        b.description = cols[5];
        b.listed = cols[6].equals("yes");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
    List<MetricDefinition> definitions = new ArrayList<>();
    for (MetricDefinitionBuilder b : builders.values()) {
      definitions.add(
          new MetricDefinition(
              b.name, b.rawKeys, b.type, b.unit, b.sources, b.description, b.listed, List.of()));
    }
    definitions.add(
        new MetricDefinition(
            "mesos.cluster.total_frameworks",
            List.of(),
            MetricType.GAUGE,
            "frameworks",
            List.of(MetricSource.MASTER_LEADER),
            "all registered frameworks (frameworks_active + frameworks_inactive)",
            true,
            List.of("mesos.cluster.frameworks_active", "mesos.cluster.frameworks_inactive")));
    return new MetricCatalogue(definitions, dynamicRules());
  }

  private static List<DynamicMetricRule> dynamicRules() {
    MetricType g = MetricType.GAUGE;
    MetricType c = MetricType.COUNTER;
    return List.of(
        new DynamicMetricRule(
            "allocator/mesos/roles/{role}/shares/dominant",
            "mesos.allocator.role.shares_dominant",
            g,
            "ratio",
            "dominant resource share of a role"),
        new DynamicMetricRule(
            "allocator/mesos/offer_filters/roles/{role}/active",
            "mesos.allocator.role.offer_filters_active",
            g,
            "filters",
            "active offer filters of a role"),
        new DynamicMetricRule(
            "allocator/mesos/quota/roles/{role}/resources/{resource}/offered_or_allocated",
            "mesos.allocator.role.quota_offered_or_allocated",
            g,
            "resource units",
            "quota of a role offered or allocated"),
        new DynamicMetricRule(
            "allocator/mesos/quota/roles/{role}/resources/{resource}/guarantee",
            "mesos.allocator.role.quota_guarantee",
            g,
            "resource units",
            "quota guarantee of a role"),
        new DynamicMetricRule(
            "master/task_{state}/source_{source}/reason_{reason}",
            "mesos.cluster.task_status_reasons",
            c,
            "tasks",
            "terminal task updates by state, source and reason"),
        new DynamicMetricRule(
            "master/slave_removals/reason_{reason}",
            "mesos.cluster.slave_removals_by_reason",
            c,
            "agents",
            "agents removed, by reason"),
        new DynamicMetricRule(
            "master/frameworks/{framework}/{framework_id}/{metric}",
            "mesos.framework.{metric}",
            g,
            "",
            "per-framework metric (Mesos 1.3+)"));
  }

  private static final class MetricDefinitionBuilder {
    final String name;
    final List<String> rawKeys = new ArrayList<>();
    final List<MetricSource> sources = new ArrayList<>();
    MetricType type;
    String unit;
    String description;
    boolean listed;

    MetricDefinitionBuilder(String name) {
      this.name = name;
    }
  }
}
