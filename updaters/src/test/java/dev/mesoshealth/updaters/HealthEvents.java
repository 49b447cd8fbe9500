package dev.mesoshealth.updaters;

import dev.mesoshealth.events.EndpointHealth;
import dev.mesoshealth.events.EndpointStatus;
import dev.mesoshealth.events.HealthReason;
import dev.mesoshealth.events.HealthState;
import dev.mesoshealth.events.HealthStatus;
import dev.mesoshealth.events.HealthTransition;
import dev.mesoshealth.events.NodeRef;
import dev.mesoshealth.events.NodeRole;
import dev.mesoshealth.schemas.topics.TopicFollower;
import dev.mesoshealth.schemas.topics.Topics;
import dev.mesoshealth.testkit.SampleEvents;
import java.time.Instant;
import java.util.List;

/**
 * Health states, transitions and endpoints as the processor publishes them, for the updaters' and
 * the alerter's tests.
 */
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

  /** An endpoint of {@code app} whose task {@code task} runs on agent {@code task}. */
  public static TopicFollower.Event endpoint(
      String cluster, String app, String task, EndpointStatus status) {
    EndpointHealth h = SampleEvents.endpointHealth(task, task);
    h.setCluster(cluster);
    h.setAppId(app);
    h.setStatus(status);
    h.setAgentState(
        switch (status) {
          case UP -> HealthStatus.HEALTHY;
          case DRAIN -> HealthStatus.DEGRADED;
          case DOWN -> HealthStatus.UNREACHABLE;
        });
    h.setReasons(status == EndpointStatus.UP ? List.of() : List.of("agent " + h.getAgentState()));
    return new TopicFollower.Event(Topics.ENDPOINT_HEALTH.name(), app + "|" + task, h, 0);
  }

  public static TopicFollower.Event transition(
      String cluster, String id, HealthStatus from, HealthStatus to, Instant at) {
    HealthTransition t = SampleEvents.transition(id);
    t.setNode(agent(cluster, id, to).getNode());
    t.setFrom(from);
    t.setTo(to);
    t.setAt(at);
    return new TopicFollower.Event(Topics.HEALTH_TRANSITIONS.name(), id, t, at.toEpochMilli());
  }
}
