package dev.mesoshealth.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;
import org.apache.avro.SchemaFormatter;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The build's schema gate. A change to an .avsc must be released as the next version file, and
 * every released version must be backward and forward compatible with the one before it, so a new
 * reader reads old data and an old reader reads new data.
 */
class SchemaHistoryTest {

  static Stream<Class<? extends SpecificRecord>> eventTypes() {
    return EventTypes.ALL.stream();
  }

  @ParameterizedTest
  @MethodSource("eventTypes")
  void currentSchemaIsReleased(Class<? extends SpecificRecord> type) {
    Schema current = SpecificData.getForClass(type).getSchema(type);
    SchemaHistory history = SchemaHistory.load(type.getSimpleName());

    if (history.versionOf(current) < 0) {
      fail(
          "%s changed since v%d. Release it as schemas/src/main/avro-history/%s/v%d.avsc"
              + " (must stay compatible with v%d):%n%s",
          type.getSimpleName(),
          history.versions().size(),
          type.getSimpleName(),
          history.versions().size() + 1,
          history.versions().size(),
          SchemaFormatter.format("json/pretty", current));
    }
  }

  @ParameterizedTest
  @MethodSource("eventTypes")
  void currentSchemaIsCompatibleWithTheLastRelease(Class<? extends SpecificRecord> type) {
    Schema current = SpecificData.getForClass(type).getSchema(type);
    Schema lastReleased = SchemaHistory.load(type.getSimpleName()).latest();

    assertMutuallyCompatible(
        type.getSimpleName(), "last release", lastReleased, "current", current);
  }

  @ParameterizedTest
  @MethodSource("eventTypes")
  void everyReleaseIsCompatibleWithTheOneBefore(Class<? extends SpecificRecord> type) {
    List<Schema> versions = SchemaHistory.load(type.getSimpleName()).versions();
    for (int v = 1; v < versions.size(); v++) {
      assertMutuallyCompatible(
          type.getSimpleName(), "v" + v, versions.get(v - 1), "v" + (v + 1), versions.get(v));
    }
    assertThat(versions).isNotEmpty();
  }

  static void assertMutuallyCompatible(
      String record, String olderName, Schema older, String newerName, Schema newer) {
    SchemaPairCompatibility backward =
        SchemaCompatibility.checkReaderWriterCompatibility(newer, older);
    SchemaPairCompatibility forward =
        SchemaCompatibility.checkReaderWriterCompatibility(older, newer);
    assertThat(backward.getType())
        .as(
            "%s: %s cannot read data written with %s (backward compatibility): %s",
            record, newerName, olderName, describe(backward))
        .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    assertThat(forward.getType())
        .as(
            "%s: %s cannot read data written with %s (forward compatibility): %s",
            record, olderName, newerName, describe(forward))
        .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
  }

  private static String describe(SchemaPairCompatibility pair) {
    StringBuilder text = new StringBuilder();
    for (SchemaCompatibility.Incompatibility i : pair.getResult().getIncompatibilities()) {
      text.append(i.getType()).append(" at ").append(i.getLocation());
      text.append(" (").append(i.getMessage()).append("); ");
    }
    return text.toString();
  }
}
