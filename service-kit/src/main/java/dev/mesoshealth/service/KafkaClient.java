package dev.mesoshealth.service;

import java.util.HashMap;
import java.util.Map;

/**
 * How a service reaches Kafka: {@code kafka.bootstrap.servers} and every other {@code kafka.*}
 * setting, passed to its clients as it is (TLS, SASL, tuning).
 *
 * @param bootstrapServers empty only where a service may run without Kafka (the collector printing)
 * @param settings the other {@code kafka.*} settings, without the prefix
 */
public record KafkaClient(String bootstrapServers, Map<String, String> settings) {
  public KafkaClient {
    settings = Map.copyOf(settings);
  }

  /** The client properties: the settings plus {@code bootstrap.servers}. */
  public Map<String, Object> properties() {
    Map<String, Object> p = new HashMap<>(settings);
    p.put("bootstrap.servers", bootstrapServers);
    return p;
  }

  /** Secrets hidden (SASL JAAS lines and key store passwords live among the settings). */
  @Override
  public String toString() {
    return "KafkaClient[bootstrapServers="
        + bootstrapServers
        + ", settings="
        + Redacted.map(new java.util.TreeMap<>(settings))
        + "]";
  }
}
