package dev.mesoshealth.collector.core;

/**
 * Which of a cluster's agents this collector polls, and whether it is the one that also polls the
 * masters and Marathon and publishes the inventories. A fixed {@link Shard}, or the share a Kafka
 * consumer group gives it, which changes as collectors come and go.
 */
public interface AgentShare {
  boolean accepts(String agentId);

  boolean pollsMasters();
}
