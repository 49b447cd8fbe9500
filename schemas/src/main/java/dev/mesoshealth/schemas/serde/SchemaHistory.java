package dev.mesoshealth.schemas.serde;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

/**
 * Every released version of one record's schema, read from {@code avro-history/<Record>/v<N>.avsc}
 * on the classpath. Version files are immutable once released; a change to an {@code .avsc} is
 * released by adding the next version file.
 */
public final class SchemaHistory {
  private final String recordName;
  private final List<Schema> versions;

  private SchemaHistory(String recordName, List<Schema> versions) {
    this.recordName = recordName;
    this.versions = List.copyOf(versions);
  }

  /** Loads the history of the record with this simple name, e.g. {@code MetricSnapshot}. */
  public static SchemaHistory load(String recordName) {
    List<Schema> versions = new ArrayList<>();
    for (int v = 1; ; v++) {
      String path = resourcePath(recordName, v);
      try (InputStream in = SchemaHistory.class.getClassLoader().getResourceAsStream(path)) {
        if (in == null) {
          break;
        }
        versions.add(new Schema.Parser().parse(in));
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read released schema " + path, e);
      }
    }
    if (versions.isEmpty()) {
      throw new IllegalStateException(
          "No released schema for "
              + recordName
              + ": expected "
              + resourcePath(recordName, 1)
              + " on the classpath");
    }
    return new SchemaHistory(recordName, versions);
  }

  static String resourcePath(String recordName, int version) {
    return "avro-history/" + recordName + "/v" + version + ".avsc";
  }

  public String recordName() {
    return recordName;
  }

  /** Released versions, oldest first; version N is at index N-1. */
  public List<Schema> versions() {
    return versions;
  }

  public Schema latest() {
    return versions.get(versions.size() - 1);
  }

  /** The 1-based version whose fingerprint equals the schema's, or -1 when it is not released. */
  public int versionOf(Schema schema) {
    long fingerprint = SchemaNormalization.parsingFingerprint64(schema);
    for (int i = 0; i < versions.size(); i++) {
      if (SchemaNormalization.parsingFingerprint64(versions.get(i)) == fingerprint) {
        return i + 1;
      }
    }
    return -1;
  }
}
