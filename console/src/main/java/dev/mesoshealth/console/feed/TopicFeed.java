package dev.mesoshealth.console.feed;

import dev.mesoshealth.console.model.ConsoleModel;
import dev.mesoshealth.events.AgentInventory;
import dev.mesoshealth.events.CapacityTrend;
import dev.mesoshealth.events.EndpointHealth;
import dev.mesoshealth.events.HealthState;
import dev.mesoshealth.events.HealthTransition;
import dev.mesoshealth.events.MetricSnapshot;
import dev.mesoshealth.schemas.topics.Topic;
import dev.mesoshealth.schemas.topics.TopicFollower;
import dev.mesoshealth.schemas.topics.TopicFollower.Start;
import dev.mesoshealth.schemas.topics.Topics;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Feeds the console's model from the output topics: the compacted ones from the beginning, the
 * latest transitions, recent capacity points and snapshots, then follows them (every console
 * instance sees everything: no consumer group).
 */
public final class TopicFeed implements AutoCloseable {
  /** Silence from the broker longer than this means the view is no longer live. */
  public static final Duration BROKER_SILENCE = Duration.ofSeconds(10);

  private final TopicFollower follower;
  private final ConsoleModel model;
  private final Object lock;
  private final Clock clock;

  /**
   * @param lock held while the model changes (the same lock the event stream reads under)
   */
  public TopicFeed(
      Map<String, Object> kafka,
      ConsoleModel model,
      Object lock,
      int keepTransitions,
      Duration capacityHistory,
      PrometheusRegistry registry,
      Clock clock) {
    this.model = model;
    this.lock = lock;
    this.clock = clock;
    Map<Topic<String, ?>, Start> follow = new LinkedHashMap<>();
    follow.put(Topics.HEALTH_STATES, Start.beginning());
    follow.put(Topics.AGENT_INVENTORY, Start.beginning());
    follow.put(Topics.ENDPOINT_HEALTH, Start.beginning());
    follow.put(Topics.HEALTH_TRANSITIONS, Start.last(keepTransitions));
    follow.put(Topics.CAPACITY_TRENDS, Start.since(capacityHistory));
    follow.put(Topics.METRIC_SNAPSHOTS, Start.since(Duration.ofMinutes(1)));
    this.follower = new TopicFollower("console-feed", kafka, follow, this::apply, clock);
    CounterWithCallback.builder()
        .name("mesos_health_console_records_total")
        .help("Records read from the output topics.")
        .labelNames("topic")
        .callback(cb -> follower.topicNames().forEach(t -> cb.call(follower.records(t), t)))
        .register(registry);
    CounterWithCallback.builder()
        .name("mesos_health_console_undecodable_records_total")
        .help("Records skipped because they could not be decoded.")
        .labelNames("topic")
        .callback(cb -> follower.topicNames().forEach(t -> cb.call(follower.undecodable(t), t)))
        .register(registry);
    GaugeWithCallback.builder()
        .name("mesos_health_console_kafka_reachable")
        .help("1 while the brokers answer the console's reads, 0 after 10 s of silence.")
        .callback(cb -> cb.call(kafkaReachable() ? 1 : 0))
        .register(registry);
  }

  public void start() {
    follower.start();
  }

  public boolean caughtUp() {
    return follower.caughtUp();
  }

  /** When a broker last answered the feed. */
  public Instant lastHeardFromKafka() {
    return follower.lastHeardFromBroker();
  }

  public boolean kafkaReachable() {
    return follower.lastHeardFromBroker().plus(BROKER_SILENCE).isAfter(clock.instant());
  }

  private void apply(List<TopicFollower.Event> batch) {
    Instant now = clock.instant();
    synchronized (lock) {
      for (TopicFollower.Event e : batch) {
        Object v = e.value();
        String key = e.key();
        String t = e.topic();
        if (t.equals(Topics.HEALTH_STATES.name())) {
          model.health(key, (HealthState) v, now);
        } else if (t.equals(Topics.AGENT_INVENTORY.name())) {
          model.inventory(key, (AgentInventory) v, now);
        } else if (t.equals(Topics.ENDPOINT_HEALTH.name())) {
          model.endpoint(key, (EndpointHealth) v, now);
        } else if (v == null) {
          continue; // the other topics are not compacted: no tombstones to apply
        } else if (t.equals(Topics.HEALTH_TRANSITIONS.name())) {
          model.transition((HealthTransition) v, now);
        } else if (t.equals(Topics.CAPACITY_TRENDS.name())) {
          model.capacity(key, (CapacityTrend) v, now);
        } else if (t.equals(Topics.METRIC_SNAPSHOTS.name())) {
          model.snapshot((MetricSnapshot) v, now);
        }
      }
    }
  }

  @Override
  public void close() {
    follower.close();
  }
}
