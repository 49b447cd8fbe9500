package dev.mesoshealth.updaters.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesoshealth.events.HealthStatus;
import dev.mesoshealth.updaters.HealthEvents;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One message per cluster for what started and stopped firing, at most one per interval. */
class WebhookBatchTest {
  private static final Instant T = Instant.parse("2026-12-07T03:00:00Z");

  private static List<Alert> firing(String cluster, String... unreachable) {
    AlertBook book =
        new AlertBook(
            AlertPolicy.defaults().withStormShare(1.0),
            java.time.Clock.systemUTC()); // never a storm: every agent its own alert
    for (String id : unreachable) {
      book.accept(
          List.of(HealthEvents.event(HealthEvents.agent(cluster, id, HealthStatus.UNREACHABLE))));
    }
    return book.firing();
  }

  @Test
  void aBadMinuteIsOneMessagePerClusterAndChangesWaitForTheInterval() {
    WebhookBatch batch = new WebhookBatch(Duration.ofMinutes(1));

    List<WebhookBatch.Message> first = batch.due(firing("prod", "A", "B", "C"), T);
    assertThat(first).singleElement().satisfies(m -> assertThat(m.firing()).hasSize(3));
    batch.sent(first.get(0), T);

    assertThat(batch.due(firing("prod", "A", "B", "C"), T.plusSeconds(5)))
        .as("nothing new")
        .isEmpty();
    assertThat(batch.due(firing("prod", "A", "B"), T.plusSeconds(10)))
        .as("C resolved, but the cluster had a message less than a minute ago")
        .isEmpty();

    List<WebhookBatch.Message> later = batch.due(firing("prod", "A", "B"), T.plusSeconds(60));
    assertThat(later)
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.firing()).isEmpty();
              assertThat(m.resolved()).extracting(a -> a.labels().get("node")).containsExactly("C");
            });
  }

  @Test
  void clustersAreMessagedApartAndAFailedSendIsTriedAgain() {
    WebhookBatch batch = new WebhookBatch(Duration.ofMinutes(1));
    List<Alert> both = new java.util.ArrayList<>(firing("prod", "A"));
    both.addAll(firing("stage", "B"));

    List<WebhookBatch.Message> due = batch.due(both, T);
    assertThat(due).extracting(WebhookBatch.Message::cluster).containsExactly("prod", "stage");
    batch.sent(due.get(0), T); // stage's send failed: not reported as sent

    assertThat(batch.due(both, T.plusSeconds(1)))
        .extracting(WebhookBatch.Message::cluster)
        .containsExactly("stage");
  }
}
