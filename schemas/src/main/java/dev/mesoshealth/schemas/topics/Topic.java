package dev.mesoshealth.schemas.topics;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serde;

/**
 * A Kafka topic with its serdes and how it is created. Every producer, topology and consumer takes
 * topics from {@link Topics}; nothing uses a bare topic name.
 *
 * @param retention how long records are kept; null for compacted topics (kept forever)
 */
public record Topic<K, V>(
    String name,
    Serde<K> keySerde,
    Serde<V> valueSerde,
    Cleanup cleanup,
    Duration retention,
    int defaultPartitions,
    String description) {

  /** Kafka's cleanup policies. */
  public enum Cleanup {
    DELETE(TopicConfig.CLEANUP_POLICY_DELETE),
    COMPACT(TopicConfig.CLEANUP_POLICY_COMPACT);

    private final String config;

    Cleanup(String config) {
      this.config = config;
    }

    public String config() {
      return config;
    }
  }

  public Topic {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(keySerde, "keySerde");
    Objects.requireNonNull(valueSerde, "valueSerde");
    Objects.requireNonNull(cleanup, "cleanup");
    if (cleanup == Cleanup.DELETE && retention == null) {
      throw new IllegalArgumentException(name + ": a delete topic needs a retention");
    }
    if (defaultPartitions < 1) {
      throw new IllegalArgumentException(name + ": partitions must be >= 1");
    }
  }

  /** Topic-level configs this topic is created with. */
  public Map<String, String> configs() {
    Map<String, String> configs = new LinkedHashMap<>();
    configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, cleanup.config());
    if (retention != null) {
      configs.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(retention.toMillis()));
    }
    return configs;
  }

  /**
   * A creation request with this topic's configs; a replication factor below 1 means the broker's
   * default.
   */
  public NewTopic newTopic(int partitions, short replicationFactor) {
    Optional<Short> rf = replicationFactor < 1 ? Optional.empty() : Optional.of(replicationFactor);
    return new NewTopic(name, Optional.of(partitions), rf).configs(configs());
  }

  @Override
  public String toString() {
    return name;
  }
}
