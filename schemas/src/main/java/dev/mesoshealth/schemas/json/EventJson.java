package dev.mesoshealth.schemas.json;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.IndexedRecord;

/**
 * Events as plain JSON-ready trees (maps, lists, strings, numbers): records become objects, enums
 * strings, timestamps ISO-8601 strings, bytes base64, unions their value. Used to print events and
 * to serve them over REST; any JSON library can write the result.
 */
public final class EventJson {
  private EventJson() {}

  public static Map<String, Object> tree(IndexedRecord record) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Schema.Field field : record.getSchema().getFields()) {
      out.put(field.name(), value(record.get(field.pos())));
    }
    return out;
  }

  private static Object value(Object v) {
    if (v == null || v instanceof Boolean || v instanceof Number || v instanceof String) {
      return v instanceof Double d && !Double.isFinite(d) ? d.toString() : v;
    }
    if (v instanceof IndexedRecord r) {
      return tree(r);
    }
    if (v instanceof Instant t) {
      return t.toString();
    }
    if (v instanceof Enum<?> e) {
      return e.name();
    }
    if (v instanceof GenericEnumSymbol<?> e) {
      return e.toString();
    }
    if (v instanceof CharSequence s) {
      return s.toString();
    }
    if (v instanceof ByteBuffer b) {
      ByteBuffer copy = b.duplicate();
      byte[] bytes = new byte[copy.remaining()];
      copy.get(bytes);
      return Base64.getEncoder().encodeToString(bytes);
    }
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        out.put(e.getKey().toString(), value(e.getValue()));
      }
      return out;
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>(l.size());
      for (Object item : l) {
        out.add(value(item));
      }
      return out;
    }
    return v.toString();
  }
}
