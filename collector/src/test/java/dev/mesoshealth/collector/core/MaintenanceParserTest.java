package dev.mesoshealth.collector.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The leader's maintenance schedule and status, as docs/maintenance.md shows them. */
class MaintenanceParserTest {
  private static byte[] json(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static final byte[] SCHEDULE =
      json(
          "{\"windows\":[{\"machine_ids\":[{\"hostname\":\"machine1\",\"ip\":\"10.0.0.1\"},"
              + "{\"hostname\":\"machine2\",\"ip\":\"10.0.0.2\"}],"
              + "\"unavailability\":{\"start\":{\"nanoseconds\":1443830400000000000},"
              + "\"duration\":{\"nanoseconds\":3600000000000}}},"
              + "{\"machine_ids\":[{\"ip\":\"10.0.0.3\"}],"
              + "\"unavailability\":{\"start\":{\"nanoseconds\":1443834000000000000}}}]}");

  @Test
  void scheduledMachinesDrainAndDownOnesAreDownEachWithItsWindow() throws Exception {
    MaintenanceParser.Schedule s =
        MaintenanceParser.parse(
            SCHEDULE,
            json(
                "{\"draining_machines\":[{\"id\":{\"hostname\":\"machine1\",\"ip\":\"10.0.0.1\"}}],"
                    + "\"down_machines\":[{\"hostname\":\"machine2\",\"ip\":\"10.0.0.2\"}]}"));

    Instant start = Instant.parse("2015-10-03T00:00:00Z");
    assertThat(s.lookup("machine1", "10.0.0.1"))
        .isEqualTo(new MaintenanceParser.Entry("DRAINING", start, start.plusSeconds(3600)));
    assertThat(s.lookup("machine2", "10.0.0.2").mode()).isEqualTo("DOWN");
    assertThat(s.lookup("anything", "10.0.0.3"))
        .as("a machine named by its IP alone, with an open-ended window")
        .isEqualTo(
            new MaintenanceParser.Entry("DRAINING", Instant.parse("2015-10-03T01:00:00Z"), null));
    assertThat(s.lookup("machine1", "10.0.0.9")).as("hostname and IP must both match").isNull();
  }

  @Test
  void noScheduleIsNoMaintenanceAndABrokenOneIsAOneLineError() throws Exception {
    assertThat(MaintenanceParser.parse(json("{}"), json("{}")).isEmpty()).isTrue();
    assertThatThrownBy(
            () ->
                MaintenanceParser.parse(
                    json(
                        "{\"windows\":[{\"machine_ids\":[{}],\"unavailability\":{\"start\":{\"nanoseconds\":1}}}]}"),
                    json("{}")))
        .hasMessage("a maintenance machine_id without hostname or ip");
    assertThatThrownBy(
            () ->
                MaintenanceParser.parse(
                    json("{\"windows\":[{\"machine_ids\":[{\"ip\":\"1.2.3.4\"}]}]}"), json("{}")))
        .hasMessage("a maintenance window without unavailability.start");
  }
}
