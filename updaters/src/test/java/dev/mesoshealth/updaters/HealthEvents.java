package dev.mesoshealth.updaters;

import dev.mesoshealth.events.HealthReason;
import dev.mesoshealth.events.HealthState;
import dev.mesoshealth.events.HealthStatus;
import dev.mesoshealth.events.NodeRef;
import dev.mesoshealth.events.NodeRole;
import dev.mesoshealth.schemas.topics.TopicFollower;
import dev.mesoshealth.schemas.topics.Topics;
import dev.mesoshealth.testkit.SampleEvents;
import java.util.List;

/** Health states as the processor publishes them, for the updaters' and the alerter's tests. */
public final class HealthEvents {
  private HealthEvents() {}

  public static HealthState agent(String cluster, String id, HealthStatus state) {
    HealthState s = SampleEvents.healthState(id);
    s.setNode(new NodeRef(cluster, NodeRole.AGENT, id, "agent-" + id, "10.0.0.1:5051"));
    s.setState(state);
    s.setReasons(
        state == HealthStatus.HEALTHY
            ? List.of()
            : List.of(new HealthReason("poll.failed", state, null, 2.0, 2.0, "2 polls failed")));
    return s;
  }

  public static HealthState cluster(String cluster, HealthStatus state, String rule) {
    HealthState s = SampleEvents.healthState("c");
    s.setNode(new NodeRef(cluster, NodeRole.CLUSTER, "cluster:" + cluster, cluster, ""));
    s.setState(state);
    s.setReasons(
        rule == null ? List.of() : List.of(new HealthReason(rule, state, null, 0.0, 0.0, rule)));
    return s;
  }

  public static TopicFollower.Event event(HealthState s) {
    return new TopicFollower.Event(Topics.HEALTH_STATES.name(), s.getNode().getId(), s, 0);
  }
}
