package dev.mesoshealth.collector.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesoshealth.collector.Fixtures;
import dev.mesoshealth.events.TaskInventory;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class MarathonParserTest {
  private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

  @Test
  void readsTasksWithHealthResultsFromMarathonZeroDotX() throws Exception {
    var parsed =
        MarathonParser.parse(
            Fixtures.bytes("marathon-lb-v2-apps-embed-tasks-health-2016.json"), "c", NOW);

    assertThat(parsed.skipped()).isEmpty();
    assertThat(parsed.tasks()).isNotEmpty();
    TaskInventory t = parsed.tasks().get(0);
    assertThat(t.getTaskId()).isEqualTo("nginx-green.1883a887-c931-11e5-9836-026ee08d9f6f");
    assertThat(t.getAppId()).isEqualTo("/nginx-green");
    assertThat(t.getHost()).isEqualTo("10.0.6.25");
    assertThat(t.getAgentId()).isEqualTo("1f09399d-0cb0-4484-afd7-f08e99d2acbb-S1");
    assertThat(t.getPorts()).containsExactly(16916);
    assertThat(t.getServicePorts()).containsExactly(10000);
    assertThat(t.getState()).as("0.x has no state: a started task runs").isEqualTo("TASK_RUNNING");
    assertThat(t.getHasHealthChecks()).isTrue();
    assertThat(t.getHealthCheckResults())
        .singleElement()
        .satisfies(r -> assertThat(r.getAlive()).isTrue());
    assertThat(t.getLabels()).containsEntry("HAPROXY_GROUP", "external");
    assertThat(t.getStartedAt()).isEqualTo(Instant.parse("2016-02-01T22:14:03.432Z"));
  }

  @Test
  void readsServicePortsFromPortMappingsInMarathonOneDotFive() throws Exception {
    var parsed =
        MarathonParser.parse(
            Fixtures.bytes("marathon-lb-v2-apps-embed-tasks-marathon1.5.json"), "c", NOW);

    TaskInventory t = parsed.tasks().get(0);
    assertThat(t.getAppId()).isEqualTo("/pywebserver");
    assertThat(t.getState()).isEqualTo("TASK_RUNNING");
    assertThat(t.getServicePorts()).containsExactly(10101);
    assertThat(t.getIpAddresses()).containsExactly("172.17.0.2");
    assertThat(t.getHasHealthChecks()).isFalse();
  }
}
