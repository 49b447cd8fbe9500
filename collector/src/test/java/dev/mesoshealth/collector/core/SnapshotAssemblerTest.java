package dev.mesoshealth.collector.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesoshealth.events.CollectorRef;
import dev.mesoshealth.events.MetricSnapshot;
import dev.mesoshealth.events.NodeRef;
import dev.mesoshealth.events.NodeRole;
import dev.mesoshealth.events.Outcome;
import dev.mesoshealth.schemas.metrics.MetricCatalogue;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SnapshotAssemblerTest {
  private static final Instant AT = Instant.parse("2026-11-25T12:00:00Z");
  private static final NodeRef AGENT =
      new NodeRef("c", NodeRole.AGENT, "S1", "h1", "10.0.0.1:5051");
  private static final NodeRef MASTER =
      new NodeRef("c", NodeRole.MASTER, "master:10.0.0.9:5050", "10.0.0.9", "10.0.0.9:5050");
  private static final CollectorRef COLLECTOR = new CollectorRef("col-1", "0/1", 10, 1, 3);

  private final SnapshotAssembler assembler = new SnapshotAssembler(MetricCatalogue.standard());

  private static PollResult ok(String json) {
    return new PollResult.Response(
        200, json.getBytes(StandardCharsets.UTF_8), null, Duration.ofMillis(12));
  }

  @Test
  void okSnapshotCarriesCanonicalAndRawMetrics() {
    var a =
        assembler.assemble(
            AGENT,
            AT,
            ok("{\"slave/tasks_running\": 3, \"gc/path_removals_failed\": 0}"),
            KeyBaseline.EMPTY,
            COLLECTOR,
            "1.4.1");

    MetricSnapshot s = a.snapshot();
    assertThat(s.getOutcome()).isEqualTo(Outcome.OK);
    assertThat(s.getMetrics()).containsEntry("mesos.slave.tasks_running", 3.0);
    assertThat(s.getRawMetrics()).containsEntry("gc/path_removals_failed", 0.0);
    assertThat(s.getPolledAt()).isEqualTo(AT);
    assertThat(s.getDurationMs()).isEqualTo(12);
    assertThat(s.getHttpStatus()).isEqualTo(200);
    assertThat(s.getMesosVersion()).isEqualTo("1.4.1");
    assertThat(s.getCollector()).isEqualTo(COLLECTOR);
    assertThat(s.getElected()).isNull();
    assertThat(a.baseline().keys())
        .containsExactlyInAnyOrder("slave/tasks_running", "gc/path_removals_failed");
  }

  @Test
  void keysThePreviousSnapshotHadMakeAPartialWithTheirNames() {
    var first =
        assembler.assemble(
            AGENT, AT, ok("{\"a\": 1, \"b\": 2, \"c\": 3}"), KeyBaseline.EMPTY, COLLECTOR, null);
    var second = assembler.assemble(AGENT, AT, ok("{\"a\": 1}"), first.baseline(), COLLECTOR, null);

    assertThat(second.snapshot().getOutcome()).isEqualTo(Outcome.PARTIAL);
    assertThat(second.snapshot().getMissingKeys()).containsExactly("b", "c");
    assertThat(second.snapshot().getError()).isEqualTo("2 key(s) missing: b, c");
    var third =
        assembler.assemble(
            AGENT, AT, ok("{\"a\": 1, \"b\": 2, \"c\": 3}"), second.baseline(), COLLECTOR, null);
    assertThat(third.snapshot().getOutcome()).isEqualTo(Outcome.OK);
  }

  @Test
  void theSameKeysAgainKeepTheBaselineANewKeyGrowsItAndALostOneIsStillSeen() {
    KeyBaseline b =
        assembler
            .assemble(AGENT, AT, ok("{\"a\": 1, \"b\": 2}"), KeyBaseline.EMPTY, COLLECTOR, null)
            .baseline();
    var same = assembler.assemble(AGENT, AT, ok("{\"b\": 5, \"a\": 4}"), b, COLLECTOR, null);
    assertThat(same.snapshot().getOutcome()).isEqualTo(Outcome.OK);
    assertThat(same.snapshot().getError()).isNull();
    assertThat(same.baseline()).isSameAs(b);

    var grown =
        assembler.assemble(AGENT, AT, ok("{\"a\": 1, \"b\": 2, \"c\": 3}"), b, COLLECTOR, null);
    assertThat(grown.snapshot().getOutcome()).isEqualTo(Outcome.OK);
    assertThat(grown.baseline().keys()).containsExactlyInAnyOrder("a", "b", "c");

    var lost =
        assembler.assemble(
            AGENT, AT, ok("{\"a\": 1, \"b\": 2}"), grown.baseline(), COLLECTOR, null);
    assertThat(lost.snapshot().getOutcome()).isEqualTo(Outcome.PARTIAL);
    assertThat(lost.snapshot().getMissingKeys()).containsExactly("c");
  }

  @Test
  void aSmallerKeySetSeenThreeTimesBecomesTheBaseline() {
    KeyBaseline b =
        assembler
            .assemble(AGENT, AT, ok("{\"a\": 1, \"b\": 2}"), KeyBaseline.EMPTY, COLLECTOR, null)
            .baseline();
    for (int i = 0; i < 3; i++) {
      var a = assembler.assemble(AGENT, AT, ok("{\"a\": 1}"), b, COLLECTOR, null);
      assertThat(a.snapshot().getOutcome()).isEqualTo(Outcome.PARTIAL);
      b = a.baseline();
    }

    assertThat(
            assembler
                .assemble(AGENT, AT, ok("{\"a\": 1}"), b, COLLECTOR, null)
                .snapshot()
                .getOutcome())
        .isEqualTo(Outcome.OK);
  }

  @Test
  void perFrameworkKeysComingAndGoingAreNotAPartial() {
    String fw = "master/frameworks/marathon/5f1a4c2e-7e0b-4a53-9c2a-2c0e5d1f6b7a-0001/subscribed";
    KeyBaseline b =
        assembler
            .assemble(
                MASTER,
                AT,
                ok("{\"master/elected\": 1, \"" + fw + "\": 1}"),
                KeyBaseline.EMPTY,
                COLLECTOR,
                null)
            .baseline();

    assertThat(
            assembler
                .assemble(MASTER, AT, ok("{\"master/elected\": 1}"), b, COLLECTOR, null)
                .snapshot()
                .getOutcome())
        .isEqualTo(Outcome.OK);
  }

  @Test
  void mastersSayWhetherTheyAreElectedAndALeadershipChangeResetsTheBaseline() {
    var leader =
        assembler.assemble(
            MASTER,
            AT,
            ok("{\"master/elected\": 1, \"registrar/state_store_ms/p99\": 9}"),
            KeyBaseline.EMPTY,
            COLLECTOR,
            null);
    assertThat(leader.snapshot().getElected()).isTrue();

    var follower =
        assembler.assemble(
            MASTER, AT, ok("{\"master/elected\": 0}"), leader.baseline(), COLLECTOR, null);

    assertThat(follower.snapshot().getElected()).isFalse();
    assertThat(follower.snapshot().getOutcome())
        .as("a follower reports fewer keys; not a partial")
        .isEqualTo(Outcome.OK);
  }

  @Test
  void failuresKeepTheirOutcomeStatusAndReason() {
    var r =
        new PollResult.Failure(
            Outcome.HTTP_ERROR, 503, "HTTP 503: 'No leader'", Duration.ofMillis(3));

    var a = assembler.assemble(AGENT, AT, r, KeyBaseline.EMPTY, COLLECTOR, null);

    assertThat(a.snapshot().getOutcome()).isEqualTo(Outcome.HTTP_ERROR);
    assertThat(a.snapshot().getHttpStatus()).isEqualTo(503);
    assertThat(a.snapshot().getError()).isEqualTo("HTTP 503: 'No leader'");
    assertThat(a.snapshot().getMetrics()).isEmpty();
    assertThat(a.baseline()).isEqualTo(KeyBaseline.EMPTY);
  }

  @Test
  void htmlWithA200IsInvalid() {
    var a =
        assembler.assemble(
            AGENT, AT, ok("<html>maintenance</html>"), KeyBaseline.EMPTY, COLLECTOR, null);

    assertThat(a.snapshot().getOutcome()).isEqualTo(Outcome.INVALID);
    assertThat(a.snapshot().getError()).startsWith("not a JSON object");
  }

  @Test
  void nonNumericValuesAreNotedAndDoNotCountAsMissing() {
    KeyBaseline b =
        assembler
            .assemble(AGENT, AT, ok("{\"a\": 1, \"b\": 2}"), KeyBaseline.EMPTY, COLLECTOR, null)
            .baseline();

    var a = assembler.assemble(AGENT, AT, ok("{\"a\": 1, \"b\": null}"), b, COLLECTOR, null);

    assertThat(a.snapshot().getOutcome()).isEqualTo(Outcome.OK);
    assertThat(a.snapshot().getError()).isEqualTo("1 non-numeric value(s) ignored: b (null)");
  }

  @Test
  void aRedirectIsNotASnapshot() {
    var a =
        assembler.assemble(
            MASTER,
            AT,
            new PollResult.Response(307, new byte[0], "//10.0.0.8:5050", Duration.ZERO),
            KeyBaseline.EMPTY,
            COLLECTOR,
            null);

    assertThat(a.snapshot().getOutcome()).isEqualTo(Outcome.HTTP_ERROR);
    assertThat(a.snapshot().getError()).isEqualTo("unexpected HTTP 307 to //10.0.0.8:5050");
  }
}
