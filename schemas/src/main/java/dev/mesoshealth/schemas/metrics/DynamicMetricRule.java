package dev.mesoshealth.schemas.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps a family of raw keys with variable parts, such as {@code
 * allocator/mesos/roles/<role>/shares/dominant}, to one canonical name with labels. Templates name
 * the variable parts in braces. Role and framework names may contain '/', so those parts match
 * greedily between the fixed prefix and suffix instead of splitting on '/'. A part that also
 * appears in the canonical name is substituted there ('/' becomes '.') instead of becoming a label.
 */
final class DynamicMetricRule {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z_]+)}");

  /** Parts that may contain '/'. */
  private static final List<String> SLASHED = List.of("role", "framework", "metric");

  /** Mesos framework ids: a UUID, a dash and a sequence number. */
  private static final String FRAMEWORK_ID = "[0-9A-Za-z]+(?:-[0-9A-Za-z]+)*-\\d{4,}";

  private final String rawTemplate;
  private final String canonicalTemplate;
  private final MetricType type;
  private final String unit;
  private final String description;
  private final String literalPrefix;
  private final Pattern pattern;
  private final List<String> parts = new ArrayList<>();

  DynamicMetricRule(
      String rawTemplate,
      String canonicalTemplate,
      MetricType type,
      String unit,
      String description) {
    this.rawTemplate = rawTemplate;
    this.canonicalTemplate = canonicalTemplate;
    this.type = type;
    this.unit = unit;
    this.description = description;
    int brace = rawTemplate.indexOf('{');
    this.literalPrefix = brace < 0 ? rawTemplate : rawTemplate.substring(0, brace);

    Matcher placeholders = PLACEHOLDER.matcher(rawTemplate);
    StringBuilder regex = new StringBuilder("^");
    int last = 0;
    while (placeholders.find()) {
      regex.append(Pattern.quote(rawTemplate.substring(last, placeholders.start())));
      String part = placeholders.group(1);
      parts.add(part);
      if (part.equals("framework_id")) {
        regex.append('(').append(FRAMEWORK_ID).append(')');
      } else if (SLASHED.contains(part)) {
        regex.append("(.+)");
      } else {
        regex.append("([^/]+)");
      }
      last = placeholders.end();
    }
    regex.append(Pattern.quote(rawTemplate.substring(last))).append('$');
    this.pattern = Pattern.compile(regex.toString());
  }

  String rawTemplate() {
    return rawTemplate;
  }

  String canonicalTemplate() {
    return canonicalTemplate;
  }

  String description() {
    return description;
  }

  String unit() {
    return unit;
  }

  MetricType type() {
    return type;
  }

  String literalPrefix() {
    return literalPrefix;
  }

  Optional<ResolvedMetric> match(String rawKey) {
    if (!rawKey.startsWith(literalPrefix)) {
      return Optional.empty();
    }
    Matcher m = pattern.matcher(rawKey);
    if (!m.matches()) {
      return Optional.empty();
    }
    String name = canonicalTemplate;
    Map<String, String> labels = new LinkedHashMap<>();
    for (int i = 0; i < parts.size(); i++) {
      String part = parts.get(i);
      String value = m.group(i + 1);
      String placeholder = "{" + part + "}";
      if (name.contains(placeholder)) {
        name = name.replace(placeholder, value.replace('/', '.'));
      } else {
        labels.put(part, value);
      }
    }
    return Optional.of(
        new ResolvedMetric(MetricKeys.format(name, labels), name, labels, type, unit));
  }
}
