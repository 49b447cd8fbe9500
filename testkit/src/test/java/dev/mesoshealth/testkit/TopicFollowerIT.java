package dev.mesoshealth.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mesoshealth.events.HealthState;
import dev.mesoshealth.schemas.topics.Topic;
import dev.mesoshealth.schemas.topics.TopicFollower;
import dev.mesoshealth.schemas.topics.TopicFollower.Start;
import dev.mesoshealth.schemas.topics.Topics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A follower reads a topic from the beginning, catches up, keeps following through a broker outage
 * without losing its place, and says when it last heard from the broker.
 */
class TopicFollowerIT {
  @RegisterExtension static final KafkaBrokerExtension kafka = new KafkaBrokerExtension();

  private static Map.Entry<String, HealthState> state(String agent) {
    return Map.entry("agent:" + agent, SampleEvents.healthState(agent));
  }

  @Test
  void followsThroughABrokerOutageAndSaysWhenItLastHeardFromIt() {
    kafka.createTopics(List.<Topic<?, ?>>of(Topics.HEALTH_STATES), 2);
    kafka.produce(Topics.HEALTH_STATES, List.of(state("a1"), state("a2"), state("a3")));
    List<String> keys = new CopyOnWriteArrayList<>();
    try (TopicFollower follower =
        new TopicFollower(
            "follower-it",
            Map.of("bootstrap.servers", kafka.bootstrapServers()),
            Map.of(Topics.HEALTH_STATES, Start.beginning()),
            batch -> batch.forEach(e -> keys.add(e.key())),
            Clock.systemUTC())) {
      follower.start();
      await("caught up").atMost(Duration.ofSeconds(30)).until(follower::caughtUp);
      assertThat(keys).containsExactlyInAnyOrder("agent:a1", "agent:a2", "agent:a3");
      await("hears from the broker while it is up")
          .atMost(Duration.ofSeconds(5))
          .until(() -> follower.lastHeardFromBroker().isAfter(Instant.now().minusSeconds(2)));

      kafka.broker().stop();
      Instant stopped = Instant.now();
      await("silence while the broker is down")
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  // fetches answer every half second while a broker is up: 2 s is silence
                  Duration.between(follower.lastHeardFromBroker(), Instant.now()).toSeconds() >= 2);
      assertThat(follower.lastHeardFromBroker()).isBefore(stopped.plusSeconds(1));

      kafka.broker().start();
      kafka.produce(Topics.HEALTH_STATES, List.of(state("a4")));
      await("hears again and reads on from where it was")
          .atMost(Duration.ofSeconds(60))
          .until(() -> keys.contains("agent:a4"));
      assertThat(follower.lastHeardFromBroker()).isAfter(stopped.plusSeconds(2));
      assertThat(keys).as("nothing read twice").hasSize(4);
    }
  }
}
