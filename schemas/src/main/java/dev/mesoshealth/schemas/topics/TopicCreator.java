package dev.mesoshealth.schemas.topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the catalogue topics a service needs when they are missing, in the background and
 * retrying while the broker is away, so a service starts even when Kafka does not answer yet.
 */
public final class TopicCreator {
  private static final Logger log = LoggerFactory.getLogger(TopicCreator.class);

  private TopicCreator() {}

  /**
   * @param adminConfig Kafka client settings (bootstrap servers, TLS, SASL)
   * @param replicationFactor -1 for the broker's default
   * @return completes when every topic exists
   */
  public static CompletableFuture<Void> ensure(
      Map<String, Object> adminConfig,
      Collection<? extends Topic<?, ?>> topics,
      int partitions,
      short replicationFactor) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              boolean warned = false;
              long backoff = 500;
              while (!done.isDone()) {
                try {
                  createMissing(adminConfig, topics, partitions, replicationFactor);
                  done.complete(null);
                } catch (RuntimeException e) {
                  if (!warned) {
                    warned = true;
                    log.warn(
                        "cannot create topics yet ({}); retrying in the background",
                        e.getMessage());
                  }
                  try {
                    Thread.sleep(backoff); // back off between attempts while the broker is away
                  } catch (InterruptedException ie) {
                    done.cancel(false);
                    return;
                  }
                  backoff = Math.min(backoff * 2, 10_000);
                }
              }
            },
            "topic-creator");
    t.setDaemon(true);
    t.start();
    return done;
  }

  /**
   * The partition counts of those of {@code topics} that exist, or an empty map when the broker
   * does not answer within {@code within}.
   */
  public static Map<String, Integer> partitionCounts(
      Map<String, Object> adminConfig, Collection<? extends Topic<?, ?>> topics, Duration within) {
    Map<String, Object> config = new java.util.HashMap<>(adminConfig);
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) within.toMillis());
    config.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) within.toMillis());
    Map<String, Integer> counts = new java.util.TreeMap<>();
    try (Admin admin = Admin.create(config)) {
      Set<String> existing = admin.listTopics().names().get();
      List<String> names =
          topics.stream().map(Topic::name).filter(existing::contains).distinct().toList();
      admin
          .describeTopics(names)
          .allTopicNames()
          .get()
          .forEach((name, d) -> counts.put(name, d.partitions().size()));
      return counts;
    } catch (ExecutionException e) {
      log.warn("cannot read the topics' partition counts: {}", e.getCause().getMessage());
      return Map.of();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Map.of();
    }
  }

  /** Creates what is missing now, or throws. */
  public static void createMissing(
      Map<String, Object> adminConfig,
      Collection<? extends Topic<?, ?>> topics,
      int partitions,
      short replicationFactor) {
    Map<String, Object> config = new java.util.HashMap<>(adminConfig);
    config.putIfAbsent(
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) Duration.ofSeconds(15).toMillis());
    config.putIfAbsent(
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Duration.ofSeconds(10).toMillis());
    try (Admin admin = Admin.create(config)) {
      Set<String> existing = admin.listTopics().names().get();
      List<NewTopic> requests = new ArrayList<>();
      for (Topic<?, ?> topic : topics) {
        if (!existing.contains(topic.name())) {
          requests.add(topic.newTopic(Topics.partitions(topic, partitions), replicationFactor));
        }
      }
      if (!requests.isEmpty()) {
        admin.createTopics(requests).all().get();
        log.info("created topics {}", requests.stream().map(NewTopic::name).toList());
      }
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
