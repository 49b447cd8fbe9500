package dev.mesoshealth.service;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.types.Password;

/**
 * A service's validated configuration. Values come from, in rising precedence: the definition's
 * defaults, a properties file, {@code MESOS_HEALTH_*} environment variables ({@code
 * MESOS_HEALTH_POLL_INTERVAL} sets {@code poll.interval}) and command-line flags. Keys the
 * definition does not know are refused (except under pass-through prefixes such as {@code kafka.},
 * handed to Kafka clients as they are); errors name the key and its source. Passwords never appear
 * in {@link #toString()}.
 */
public final class ServiceConfig {
  public static final String ENV_PREFIX = "MESOS_HEALTH_";

  private final ConfigDef definition;
  private final Map<String, Object> values;
  private final Map<String, String> passThrough;
  private final Map<String, String> sources;

  private ServiceConfig(
      ConfigDef definition,
      Map<String, Object> values,
      Map<String, String> passThrough,
      Map<String, String> sources) {
    this.definition = definition;
    this.values = values;
    this.passThrough = passThrough;
    this.sources = sources;
  }

  /** Where raw values come from; each later source overrides the earlier ones. */
  public static final class Sources {
    private final Map<String, String> raw = new LinkedHashMap<>();
    private final Map<String, String> origin = new LinkedHashMap<>();
    private final List<String> ignoredEnv = new ArrayList<>();

    /** Reads a properties file; a missing or unreadable file is a ConfigException. */
    public Sources file(Path path) {
      if (path == null) {
        return this;
      }
      Properties props = new Properties();
      try (Reader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
        props.load(in);
      } catch (NoSuchFileException e) {
        throw new ConfigException("config file " + path + " does not exist");
      } catch (IOException | IllegalArgumentException e) {
        throw new ConfigException("cannot read config file " + path + ": " + e.getMessage());
      }
      for (String key : new TreeMap<>(props).keySet().stream().map(Object::toString).toList()) {
        put(key, props.getProperty(key).trim(), path.toString());
      }
      return this;
    }

    /** Takes {@code MESOS_HEALTH_*} variables, mapping {@code A_B_C} to {@code a.b.c}. */
    public Sources env(Map<String, String> environment) {
      for (Map.Entry<String, String> e : new TreeMap<>(environment).entrySet()) {
        if (e.getKey().startsWith(ENV_PREFIX) && e.getKey().length() > ENV_PREFIX.length()) {
          String key =
              e.getKey().substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
          put(key, e.getValue(), "environment variable " + e.getKey());
        }
      }
      return this;
    }

    /** Values from command-line flags (null values are skipped). */
    public Sources flags(Map<String, String> flags) {
      for (Map.Entry<String, String> e : flags.entrySet()) {
        if (e.getValue() != null) {
          put(e.getKey(), e.getValue(), "flag for " + e.getKey());
        }
      }
      return this;
    }

    /** A single value, e.g. one the launcher sets for the demo. */
    public Sources set(String key, String value, String origin) {
      put(key, value, origin);
      return this;
    }

    private void put(String key, String value, String from) {
      raw.put(key, value);
      origin.put(key, from);
    }
  }

  /**
   * Validates the sources against the definition.
   *
   * @param passThroughPrefixes prefixes whose keys are kept as they are (e.g. "kafka.")
   * @throws ConfigException naming the first bad key and its source
   */
  public static ServiceConfig parse(
      ConfigDef definition, Sources sources, List<String> passThroughPrefixes) {
    Map<String, String> known = new LinkedHashMap<>();
    Map<String, String> passThrough = new TreeMap<>();
    for (Map.Entry<String, String> e : sources.raw.entrySet()) {
      String key = e.getKey();
      String from = sources.origin.get(key);
      if (definition.names().contains(key)) {
        known.put(key, e.getValue());
      } else if (passThroughPrefixes.stream().anyMatch(key::startsWith)) {
        passThrough.put(key, e.getValue());
      } else if (from.startsWith("environment variable")) {
        sources.ignoredEnv.add(from);
      } else {
        throw new ConfigException(
            "unknown configuration key '" + key + "' (" + from + ")" + suggestion(definition, key));
      }
    }
    Map<String, Object> parsed;
    try {
      parsed = definition.parse(known);
    } catch (org.apache.kafka.common.config.ConfigException e) {
      throw new ConfigException(explain(e.getMessage(), sources.origin));
    }
    return new ServiceConfig(
        definition,
        parsed,
        passThrough,
        Collections.unmodifiableMap(new LinkedHashMap<>(sources.origin)));
  }

  private static String suggestion(ConfigDef definition, String key) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String name : definition.names()) {
      int d = distance(name, key);
      if (d < bestDistance) {
        bestDistance = d;
        best = name;
      }
    }
    return best != null && bestDistance <= Math.max(2, key.length() / 4)
        ? "; did you mean '" + best + "'?"
        : "";
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  /** Kafka's messages say "Invalid value X for configuration k: why"; add where k came from. */
  private static String explain(String message, Map<String, String> origin) {
    for (Map.Entry<String, String> e : origin.entrySet()) {
      if (message.contains("configuration " + e.getKey())
          || message.contains("\"" + e.getKey() + "\"")) {
        return message + " (" + e.getValue() + ")";
      }
    }
    return message;
  }

  public String getString(String key) {
    Object v = value(key);
    return v == null ? null : v.toString();
  }

  public int getInt(String key) {
    return (Integer) value(key);
  }

  public short getShort(String key) {
    return (Short) value(key);
  }

  public long getLong(String key) {
    return (Long) value(key);
  }

  public double getDouble(String key) {
    return (Double) value(key);
  }

  public boolean getBoolean(String key) {
    return (Boolean) value(key);
  }

  @SuppressWarnings("unchecked")
  public List<String> getList(String key) {
    List<String> v = (List<String>) value(key);
    return v == null ? List.of() : v.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  /** A duration key (defined as a string validated by {@link Durations#validator}). */
  public Duration getDuration(String key) {
    return Durations.parse(getString(key));
  }

  /** A secret; null when unset. Never logged. */
  public String getPassword(String key) {
    Password p = (Password) value(key);
    return p == null ? null : p.value();
  }

  /** Pass-through keys under the prefix, with the prefix removed (e.g. Kafka client settings). */
  public Map<String, String> withPrefix(String prefix) {
    Map<String, String> out = new TreeMap<>();
    for (Map.Entry<String, String> e : passThrough.entrySet()) {
      if (e.getKey().startsWith(prefix)) {
        out.put(e.getKey().substring(prefix.length()), e.getValue());
      }
    }
    return out;
  }

  /** Environment variables that named no key of this service (they may be meant for another). */
  public static List<String> ignoredEnvironment(Sources sources) {
    return List.copyOf(sources.ignoredEnv);
  }

  private Object value(String key) {
    if (!values.containsKey(key)) {
      throw new IllegalArgumentException("no configuration key '" + key + "' is defined");
    }
    return values.get(key);
  }

  /** key=value lines, passwords and secret-looking pass-through values masked. */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder();
    for (String key : new TreeMap<>(values).keySet()) {
      Object v = values.get(key);
      boolean secret = definition.configKeys().get(key).type == ConfigDef.Type.PASSWORD;
      out.append(key).append('=').append(secret && v != null ? "[hidden]" : v).append('\n');
    }
    for (Map.Entry<String, String> e : passThrough.entrySet()) {
      out.append(e.getKey())
          .append('=')
          .append(isSecretName(e.getKey()) ? "[hidden]" : e.getValue())
          .append('\n');
    }
    return out.toString();
  }

  /** Where a key's value came from, for messages. */
  public String sourceOf(String key) {
    return sources.getOrDefault(key, "default");
  }

  static boolean isSecretName(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    return k.contains("password")
        || k.contains("secret")
        || k.contains("jaas")
        || k.contains("token")
        || k.endsWith(".key");
  }
}
