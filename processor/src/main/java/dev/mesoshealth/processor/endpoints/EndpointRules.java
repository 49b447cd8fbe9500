package dev.mesoshealth.processor.endpoints;

import dev.mesoshealth.events.EndpointHealth;
import dev.mesoshealth.events.EndpointStatus;
import dev.mesoshealth.events.HealthCheckResult;
import dev.mesoshealth.events.HealthStatus;
import dev.mesoshealth.events.TaskInventory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Whether a service endpoint should get traffic: UP when its task runs, its health checks (if any)
 * pass and its agent is HEALTHY or DEGRADED; DRAIN when the agent is DRAINING, UNHEALTHY or
 * UNKNOWN, the checks fail or have not passed yet, or the task is lost or unreachable (it may come
 * back); DOWN when the agent is UNREACHABLE or GONE. Finished, failed or killed tasks are removed.
 * After a Marathon failover wipes health results, the last known result holds for a bounded time,
 * so a failover does not take every endpoint out at once (marathon-lb's lesson). Pure.
 */
public final class EndpointRules {
  static final Set<String> TERMINAL =
      Set.of(
          "TASK_FINISHED",
          "TASK_FAILED",
          "TASK_KILLED",
          "TASK_ERROR",
          "TASK_DROPPED",
          "TASK_GONE",
          "TASK_GONE_BY_OPERATOR");
  static final Set<String> MAY_RETURN = Set.of("TASK_LOST", "TASK_UNREACHABLE", "TASK_UNKNOWN");

  private final Duration keepHealthResults;

  public EndpointRules(Duration keepHealthResults) {
    this.keepHealthResults = keepHealthResults;
  }

  /** The endpoint's memory updated with a task record; null task state means nothing changes. */
  public EndpointMemory remember(EndpointMemory previous, TaskInventory t, Instant at) {
    Boolean healthy = previous == null ? null : previous.lastHealthy();
    Instant healthyAt = previous == null ? null : previous.lastHealthyAt();
    String cause = previous == null ? null : previous.lastFailureCause();
    if (!t.getHealthCheckResults().isEmpty()) {
      healthy = t.getHealthCheckResults().stream().allMatch(HealthCheckResult::getAlive);
      healthyAt = at;
      cause =
          t.getHealthCheckResults().stream()
              .map(HealthCheckResult::getLastFailureCause)
              .filter(c -> c != null)
              .findFirst()
              .orElse(null);
    }
    return new EndpointMemory(
        t.getCluster(),
        t.getAppId(),
        t.getTaskId(),
        t.getAgentId(),
        t.getHost(),
        t.getIpAddresses(),
        t.getPorts(),
        t.getServicePorts(),
        t.getState(),
        t.getHasHealthChecks(),
        healthy,
        healthyAt,
        cause,
        at,
        previous == null ? null : previous.emitted(),
        previous == null ? List.of() : previous.emittedReasons());
  }

  public boolean removed(TaskInventory t) {
    return t == null || TERMINAL.contains(t.getState());
  }

  /** The endpoint's effective status now. */
  public EndpointHealth evaluate(
      EndpointMemory m, HealthStatus agent, String agentIp, Instant now) {
    List<String> reasons = new ArrayList<>();
    EndpointStatus status = EndpointStatus.UP;
    if (MAY_RETURN.contains(m.state())) {
      status = worse(status, EndpointStatus.DRAIN);
      reasons.add("task is " + m.state() + ": drained, not removed, in case it comes back");
    } else if (!m.state().equals("TASK_RUNNING")) {
      status = worse(status, EndpointStatus.DRAIN);
      reasons.add("task is " + m.state() + ", not running yet");
    }
    Boolean healthy = null;
    if (m.hasHealthChecks()) {
      boolean resultsNow = m.lastHealthyAt() != null && m.lastHealthyAt().equals(m.lastRecordAt());
      if (resultsNow) {
        healthy = m.lastHealthy();
      } else if (m.lastHealthy() != null
          && m.lastHealthyAt() != null
          && !now.isAfter(m.lastHealthyAt().plus(keepHealthResults))) {
        healthy = m.lastHealthy();
        reasons.add(
            "no health-check results (Marathon failover?); using the last known result from "
                + m.lastHealthyAt());
      }
      if (healthy == null) {
        status = worse(status, EndpointStatus.DRAIN);
        reasons.add("health checks have not passed yet");
      } else if (!healthy) {
        status = worse(status, EndpointStatus.DRAIN);
        reasons.add(
            "health check failing: "
                + (m.lastFailureCause() == null ? "not alive" : m.lastFailureCause()));
      }
    }
    HealthStatus agentState = agent == null ? HealthStatus.UNKNOWN : agent;
    switch (agentState) {
      case HEALTHY -> {}
      case DEGRADED -> reasons.add("agent is DEGRADED: still serving");
      case UNREACHABLE, GONE -> {
        status = worse(status, EndpointStatus.DOWN);
        reasons.add("agent is " + agentState);
      }
      default -> {
        status = worse(status, EndpointStatus.DRAIN);
        reasons.add("agent is " + agentState);
      }
    }
    return EndpointHealth.newBuilder()
        .setCluster(m.cluster())
        .setAppId(m.appId())
        .setTaskId(m.taskId())
        .setBackend(m.backend())
        .setHost(m.host())
        .setIp(
            agentIp != null ? agentIp : m.ipAddresses().isEmpty() ? null : m.ipAddresses().get(0))
        .setPort(m.ports().isEmpty() ? null : m.ports().get(0))
        .setPorts(m.ports())
        .setServicePorts(m.servicePorts())
        .setAgentId(m.agentId())
        .setTaskState(m.state())
        .setTaskHealthy(healthy)
        .setAgentState(agentState)
        .setStatus(status)
        .setReasons(reasons)
        .setEvaluatedAt(now)
        .build();
  }

  private static EndpointStatus worse(EndpointStatus a, EndpointStatus b) {
    return b.ordinal() > a.ordinal() ? b : a;
  }
}
