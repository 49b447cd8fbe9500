package dev.mesoshealth.processor.capacity;

import java.time.Instant;

/** An agent joining, changing in, or (contribution null) leaving a capacity group. */
public record MemberUpdate(String groupId, String agentId, Contribution contribution, Instant at) {}
