package dev.mesoshealth.sim.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.mesoshealth.sim.MesosSimulator;
import dev.mesoshealth.sim.SimConfig;
import dev.mesoshealth.sim.cluster.FaultKind;
import dev.mesoshealth.sim.cluster.FaultRecord;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ScenarioTest {

  private static Scenario parse(String text, String name) throws IOException {
    return Scenario.parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), name);
  }

  @Test
  void readsYaml() throws IOException {
    Scenario s =
        parse(
            """
            steps:
              - at: 30s
                every: 4m
                fault: DOWN
                target: random-agent
                duration: 45s
              - at: 2m
                fault: registrar_latency
                params: {p99Ms: 3000}
            """,
            "demo.yaml");

    assertThat(s.steps()).hasSize(2);
    assertThat(s.steps().get(0).at()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.steps().get(0).every()).isEqualTo(Duration.ofMinutes(4));
    assertThat(s.steps().get(0).fault().duration()).isEqualTo(Duration.ofSeconds(45));
    assertThat(s.steps().get(1).fault().kind()).isEqualTo(FaultKind.REGISTRAR_LATENCY);
    assertThat(s.steps().get(1).fault().params()).containsEntry("p99Ms", "3000");
  }

  @Test
  void readsJson() throws IOException {
    Scenario s = parse("{\"steps\":[{\"at\":\"1s\",\"fault\":\"MASTER_FAILOVER\"}]}", "x.json");

    assertThat(s.steps())
        .singleElement()
        .satisfies(step -> assertThat(step.fault().kind()).isEqualTo(FaultKind.MASTER_FAILOVER));
  }

  @Test
  void errorsNameTheFileAndTheStep() {
    assertThatThrownBy(
            () ->
                parse(
                    "steps:\n  - at: 1s\n    fault: DOWN\n  - at: later\n    fault: DOWN\n",
                    "bad.yaml"))
        .hasMessage(
            "scenario bad.yaml: step 2: 'later' is not a duration; write e.g. 500ms, 30s, 5m, 2h or PT30S");
    assertThatThrownBy(() -> parse("steps:\n  - at: 1s\n", "nofault.yaml"))
        .hasMessage("scenario nofault.yaml: step 1: 'fault' is required");
    assertThatThrownBy(() -> parse("faults: []\n", "empty.yaml"))
        .hasMessage("scenario empty.yaml: expected a top-level 'steps' list");
    assertThatThrownBy(() -> parse("{\"steps\": [", "broken.json"))
        .hasMessageStartingWith("scenario broken.json: not valid JSON");
  }

  @Test
  void runnerInjectsStepsOnSchedule() {
    try (MesosSimulator sim = MesosSimulator.start(SimConfig.forTests(1, 4, 3))) {
      sim.play(
          new Scenario(
              java.util.List.of(
                  new Scenario.Step(
                      Duration.ofMillis(100),
                      Duration.ofSeconds(1),
                      new dev.mesoshealth.sim.cluster.FaultSpec(
                          FaultKind.TASK_FAILURES, "random-agent", null, java.util.Map.of())))));

      await("two runs of a repeating step")
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  sim.faults().stream().filter(f -> f.kind() == FaultKind.TASK_FAILURES).count()
                      >= 2);
      assertThat(sim.faults()).extracting(FaultRecord::kind).containsOnly(FaultKind.TASK_FAILURES);
    }
  }
}
