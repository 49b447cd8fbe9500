package dev.mesoshealth.processor.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mesoshealth.events.HealthStatus;
import dev.mesoshealth.service.HttpApi.ApiException;
import dev.mesoshealth.service.HttpApi.Request;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** The REST parameters: what is accepted, and a 400 naming what is wrong otherwise. */
class ParamsTest {
  private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  private static Request get(Map<String, String> query) {
    return new Request("GET", "/v1/x", Map.of(), query, Map.of(), new byte[0]);
  }

  private static void badRequest(ThrowingCallable call, String message) {
    assertThatThrownBy(call)
        .isInstanceOf(ApiException.class)
        .hasMessageContaining(message)
        .extracting(e -> ((ApiException) e).status())
        .isEqualTo(400);
  }

  @Test
  void anUnknownParameterIsNamedWithTheKnownOnes() {
    Params.allowOnly(get(Map.of("from", "1h")), Set.of("from", "to"));
    badRequest(
        () -> Params.allowOnly(get(Map.of("form", "1h")), Set.of("to", "from")),
        "unknown parameter 'form'; known: from, to");
    badRequest(() -> Params.allowOnly(get(Map.of("x", "1")), Set.of()), "this resource takes none");
  }

  @Test
  void idsAndGroupIdsAreCheckedCharacterByCharacter() {
    assertThat(Params.id("a1b2-S3", "node id")).isEqualTo("a1b2-S3");
    assertThat(Params.id("master:10.0.0.1:5050", "node id")).isEqualTo("master:10.0.0.1:5050");
    badRequest(() -> Params.id("a b", "node id"), "malformed node id");
    badRequest(() -> Params.id("", "node id"), "malformed node id");
    badRequest(() -> Params.id(null, "node id"), "malformed node id");
    badRequest(() -> Params.id("x".repeat(257), "node id"), "1-256 characters");
    assertThat(Params.groupId("prod/rack=r1")).isEqualTo("prod/rack=r1");
    badRequest(() -> Params.groupId("prod/rack=<r1>"), "malformed capacity group id");
  }

  @Test
  void aLimitIsANumberInRange() {
    assertThat(Params.limit(null)).isEqualTo(1000);
    assertThat(Params.limit("1")).isEqualTo(1);
    assertThat(Params.limit(Integer.toString(Params.MAX_LIMIT))).isEqualTo(Params.MAX_LIMIT);
    badRequest(() -> Params.limit("0"), "limit must be a number from 1 to 100000, got '0'");
    badRequest(() -> Params.limit("100001"), "got '100001'");
    badRequest(() -> Params.limit("ten"), "got 'ten'");
  }

  @Test
  void enumsAreCaseBlindListsAndAnUnknownOneIsNamed() {
    assertThat(Params.enums("unreachable, Healthy", HealthStatus.class, "state"))
        .isEqualTo(EnumSet.of(HealthStatus.UNREACHABLE, HealthStatus.HEALTHY));
    assertThat(Params.enums(null, HealthStatus.class, "state")).isEmpty();
    assertThat(Params.enums("", HealthStatus.class, "state")).isEmpty();
    badRequest(() -> Params.enums("sick", HealthStatus.class, "state"), "unknown state 'sick'");
  }

  @Test
  void timesAreInstantsEpochMillisOrADurationBeforeNow() {
    assertThat(Params.time("2026-12-01T00:00:00Z", null, "from", CLOCK))
        .isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
    assertThat(Params.time("1764547200000", null, "from", CLOCK))
        .isEqualTo(Instant.ofEpochMilli(1764547200000L));
    assertThat(Params.time("1h", null, "from", CLOCK)).isEqualTo(NOW.minusSeconds(3600));
    assertThat(Params.time("-15m", null, "from", CLOCK)).isEqualTo(NOW.minusSeconds(900));
    assertThat(Params.time(null, NOW, "from", CLOCK)).isEqualTo(NOW);
    badRequest(
        () -> Params.time("tomorrow", null, "from", CLOCK),
        "'from' must be an ISO-8601 time, epoch milliseconds or a duration before now");
  }

  @Test
  void aRangeDefaultsToTheSpanBeforeNowAndIsBounded() {
    Params.Range r = Params.range(get(Map.of()), CLOCK, Duration.ofHours(1), Duration.ofDays(31));
    assertThat(r.from()).isEqualTo(NOW.minusSeconds(3600));
    assertThat(r.to()).isEqualTo(NOW);
    Params.Range given =
        Params.range(
            get(Map.of("from", "2h", "to", "1h")), CLOCK, Duration.ofHours(1), Duration.ofDays(1));
    assertThat(given.from()).isEqualTo(NOW.minusSeconds(7200));
    assertThat(given.to()).isEqualTo(NOW.minusSeconds(3600));
    badRequest(
        () ->
            Params.range(
                get(Map.of("from", "1h", "to", "2h")),
                CLOCK,
                Duration.ofHours(1),
                Duration.ofDays(1)),
        "is after 'to'");
    badRequest(
        () ->
            Params.range(
                get(Map.of("from", "40d")), CLOCK, Duration.ofHours(1), Duration.ofDays(31)),
        "at most 31 days per request");
  }
}
