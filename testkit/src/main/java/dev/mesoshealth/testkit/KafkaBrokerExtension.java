package dev.mesoshealth.testkit;

import dev.mesoshealth.broker.EmbeddedKafkaBroker;
import dev.mesoshealth.schemas.topics.Topic;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives a test class a real single-node KRaft broker, started once before all tests and removed
 * after them. Register it as a static field:
 *
 * <pre>
 * {@code @RegisterExtension static final KafkaBrokerExtension kafka = new KafkaBrokerExtension();}
 * </pre>
 */
public final class KafkaBrokerExtension implements BeforeAllCallback, AfterAllCallback {
  private final Map<String, String> overrides;
  private EmbeddedKafkaBroker broker;

  public KafkaBrokerExtension() {
    this(Map.of());
  }

  /** With extra broker properties, e.g. listeners for a security test. */
  public KafkaBrokerExtension(Map<String, String> overrides) {
    this.overrides = Map.copyOf(overrides);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    broker = EmbeddedKafkaBroker.startTemporary(overrides);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (broker != null) {
      broker.close();
      broker = null;
    }
  }

  public EmbeddedKafkaBroker broker() {
    if (broker == null) {
      throw new IllegalStateException("the broker runs only between beforeAll and afterAll");
    }
    return broker;
  }

  public String bootstrapServers() {
    return broker().bootstrapServers();
  }

  public void createTopics(Collection<? extends Topic<?, ?>> topics, int partitions) {
    broker().createTopics(topics, partitions);
  }

  /** Produces records synchronously with the topic's serdes. */
  public <K, V> void produce(Topic<K, V> topic, List<Map.Entry<K, V>> records) {
    TopicProbe.produce(bootstrapServers(), topic, records);
  }

  /** Waits until the consumer group has processed everything on the topic so far. */
  public void awaitCommitted(String group, String topic, Duration timeout) {
    TopicProbe.awaitCommitted(bootstrapServers(), group, topic, timeout);
  }

  /** Every record on the topic now, from the beginning to the current end. */
  public <K, V> List<ConsumerRecord<K, V>> readAll(Topic<K, V> topic) {
    return TopicProbe.readAll(bootstrapServers(), topic, Duration.ofSeconds(30));
  }

  /**
   * Reads the topic from the beginning until the records read so far satisfy the condition, and
   * returns them; fails with what was expected and what arrived when the deadline passes.
   */
  public <K, V> List<ConsumerRecord<K, V>> consumeUntil(
      Topic<K, V> topic,
      Predicate<List<ConsumerRecord<K, V>>> condition,
      Duration timeout,
      String expectation) {
    return TopicProbe.consumeUntil(bootstrapServers(), topic, condition, timeout, expectation);
  }
}
