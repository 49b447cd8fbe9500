package dev.mesoshealth.collector.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mesoshealth.collector.Fixtures;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SnapshotParserTest {

  private static SnapshotParser.ParsedSnapshot parse(String json) throws InvalidResponseException {
    return SnapshotParser.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  @ParameterizedTest
  @CsvSource({
    "asgard-agent-1.4.1-metrics-snapshot.json, 61",
    "asgard-master-1.4.1-metrics-snapshot.json, 149",
    "datadog-mesos_master-metrics.json, 110",
    "datadog-mesos_slave-metrics.json, 51",
    "megos-master-1.0-metrics-snapshot.json, 131"
  })
  void parsesEveryRealCaptureWithEveryKey(String fixture, int keys) throws Exception {
    SnapshotParser.ParsedSnapshot s = SnapshotParser.parse(Fixtures.bytes(fixture));

    assertThat(s.values()).hasSize(keys);
    assertThat(s.rejected()).isEmpty();
  }

  @Test
  void integersAndDecimalsAreBothDoubles() throws Exception {
    var s =
        parse("{\"a\": 1, \"b\": 1.0, \"c\": 1.36666666666667, \"d\": 2147483648, \"e\": -0.5e-3}");

    assertThat(s.values())
        .containsEntry("a", 1.0)
        .containsEntry("b", 1.0)
        .containsEntry("c", 1.36666666666667)
        .containsEntry("d", 2147483648.0)
        .containsEntry("e", -0.0005);
  }

  @Test
  void escapedSlashesInKeysAreUndone() throws Exception {
    var s =
        parse(
            "{\"master\\/elected\": 1, \"allocator\\/mesos\\/roles\\/*\\/shares\\/dominant\": 0.5}");

    assertThat(s.values())
        .containsKeys("master/elected", "allocator/mesos/roles/*/shares/dominant");
  }

  @Test
  void nonNumericValuesAreSetAsideAndNamed() throws Exception {
    var s =
        parse("{\"a\": 1, \"b\": null, \"c\": \"3\", \"d\": {\"x\": 1}, \"e\": [1], \"f\": true}");

    assertThat(s.values()).containsOnlyKeys("a");
    assertThat(s.rejected())
        .containsExactly(
            "b (null)", "c (a string)", "d (an object)", "e (an array)", "f (a boolean)");
    assertThat(s.rejectedNote())
        .startsWith("5 non-numeric value(s) ignored: b (null), c (a string)");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "<html><body>Service Unavailable</body></html>",
        "[1, 2]",
        "{\"a\": 1, \"b\": 2",
        "{\"a\": 1} trailing",
        "{\"a\": nul}",
        "{\"only\": null}"
      })
  void malformedBodiesAreInvalidWithAReason(String body) {
    assertThatThrownBy(() -> parse(body))
        .isInstanceOf(InvalidResponseException.class)
        .hasMessageMatching(".{5,}");
  }

  @Test
  void htmlIsNamedAsSuch() {
    assertThatThrownBy(() -> parse("<html>oops</html>"))
        .hasMessage("not a JSON object (body starts with '<html>oops</html>')");
  }

  @Test
  void truncatedJsonSaysWhere() {
    assertThatThrownBy(() -> parse("{\"slave/tasks_running\": 3, \"slave/"))
        .hasMessageStartingWith("malformed JSON at byte");
  }
}
