package dev.mesoshealth.service;

/**
 * Whether a service creates its missing topics at start, and how.
 *
 * @param replicationFactor -1: the broker's default
 */
public record TopicCreation(boolean create, int partitions, short replicationFactor) {}
