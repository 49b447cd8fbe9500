package dev.mesoshealth.service;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;

/** Renders a service's configuration definition as a markdown table (docs/configuration.md). */
public final class ConfigDocs {
  private ConfigDocs() {}

  public static String markdownTable(ConfigDef definition) {
    StringBuilder out = new StringBuilder();
    out.append("| key | environment variable | type | default | valid values | description |\n");
    out.append("|---|---|---|---|---|---|\n");
    for (Map.Entry<String, ConfigDef.ConfigKey> e : definition.configKeys().entrySet()) {
      ConfigDef.ConfigKey k = e.getValue();
      String def;
      if (!k.hasDefault()) {
        def = "(required)";
      } else if (k.defaultValue == null) {
        def = "";
      } else if (k.type == ConfigDef.Type.LIST) {
        def = String.join(",", ((List<?>) k.defaultValue).stream().map(Object::toString).toList());
      } else {
        def = k.type == ConfigDef.Type.PASSWORD ? "" : k.defaultValue.toString();
      }
      out.append("| `")
          .append(k.name)
          .append("` | `")
          .append(ServiceConfig.ENV_PREFIX)
          .append(k.name.toUpperCase(java.util.Locale.ROOT).replace('.', '_'))
          .append("` | ")
          .append(k.type.name().toLowerCase(java.util.Locale.ROOT))
          .append(" | ")
          .append(def.isEmpty() || !k.hasDefault() ? def : "`" + def + "`")
          .append(" | ")
          .append(k.validator == null ? "" : escape(k.validator.toString()))
          .append(" | ")
          .append(escape(k.documentation))
          .append(" |\n");
    }
    return out.toString();
  }

  private static String escape(String text) {
    return text == null ? "" : text.replace("|", "\\|").replace("\n", " ");
  }
}
