package dev.mesoshealth.sim.cluster;

import dev.mesoshealth.sim.cluster.SimMaster.Counter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How each fault kind is applied to the simulated cluster, and which nodes a fault's target names.
 * Runs under the {@link SimCluster}'s lock: {@link SimCluster#inject} calls it.
 */
final class FaultApplier {
  private final SimCluster c;

  FaultApplier(SimCluster c) {
    this.c = c;
  }

  /** Applies a fault, records the nodes hit, registers its revert, returns a detail line. */
  String apply(FaultSpec spec, List<String> nodes, long id) {
    FaultKind kind = spec.kind();
    switch (kind.scope()) {
      case NODE -> {
        List<NodeFaults> hit = new ArrayList<>();
        for (Object node : nodeTargets(spec.target())) {
          if (node instanceof SimAgent a) {
            hit.add(a.faults);
            nodes.add(a.id);
            if (kind == FaultKind.DOWN || kind == FaultKind.BLIP) {
              a.downSince = c.now;
            }
          } else if (node instanceof SimMaster m) {
            hit.add(m.faults);
            nodes.add(m.hostPort());
          } else {
            hit.add(c.marathonFaults);
            nodes.add("marathon");
          }
        }
        return applyNodeFault(spec, hit, nodes, id);
      }
      case AGENT -> {
        List<SimAgent> targets = agentTargets(spec.target());
        for (SimAgent a : targets) {
          nodes.add(a.id);
        }
        return applyAgentFault(spec, targets, id);
      }
      case MASTER -> {
        SimMaster m = masterTarget(spec.target());
        nodes.add(m.hostPort());
        m.startedAt = c.now;
        if (c.isElected(m)) {
          c.failover(m.index);
          return "master " + m.hostname + " restarted; leader is now " + c.leaderName();
        }
        return "master " + m.hostname + " restarted";
      }
      case APP -> {
        return applyAppFault(spec, nodes, id);
      }
      case CLUSTER -> {
        return applyClusterFault(spec, nodes, id);
      }
      default -> throw new IllegalArgumentException("unknown fault scope " + kind.scope());
    }
  }

  String applyNodeFault(FaultSpec spec, List<NodeFaults> hit, List<String> nodes, long id) {
    FaultKind kind = spec.kind();
    for (NodeFaults f : hit) {
      switch (kind) {
        case DOWN, BLIP -> f.down = true;
        case SLOW -> f.delayMs = spec.longParam("delayMs", 5000);
        case HUNG -> f.hung = true;
        case HTTP_ERROR -> f.httpStatus = (int) spec.longParam("status", 500);
        case MALFORMED_JSON -> f.malformed = true;
        case PARTIAL_SNAPSHOT -> f.partial = true;
        default -> throw new IllegalStateException(kind + " is not a node fault");
      }
    }
    String failoverDetail = "";
    if (kind == FaultKind.DOWN) {
      for (SimMaster m : c.masters) {
        if (m.faults.down && c.isElected(m)) {
          c.failover(m.index);
          failoverDetail = "; leader is now " + c.leaderName();
        }
      }
    }
    c.reverts.put(
        id,
        () -> {
          for (NodeFaults f : hit) {
            switch (kind) {
              case DOWN, BLIP -> f.down = false;
              case SLOW -> f.delayMs = 0;
              case HUNG -> f.hung = false;
              case HTTP_ERROR -> f.httpStatus = 0;
              case MALFORMED_JSON -> f.malformed = false;
              case PARTIAL_SNAPSHOT -> f.partial = false;
              default -> {}
            }
          }
          if (kind == FaultKind.DOWN || kind == FaultKind.BLIP) {
            for (SimAgent a : c.agents) {
              if (!a.faults.down && !a.partitioned && a.downSince != null) {
                c.reachableAgain(a);
              }
            }
            if (c.leader < 0 && !c.noLeaderFaultActive()) {
              c.elect(c.firstAvailableMaster(-1));
            }
          }
        });
    return kind.description() + " on " + String.join(", ", abbreviate(nodes)) + failoverDetail;
  }

  String applyAgentFault(FaultSpec spec, List<SimAgent> targets, long id) {
    FaultKind kind = spec.kind();
    for (SimAgent a : targets) {
      switch (kind) {
        case AGENT_DISCONNECTED -> a.registered = false;
        case AGENT_DRAINING -> {
          a.deactivated = true;
          a.draining = true;
        }
        case AGENT_REMOVED -> c.removeAgent(a);
        case AGENT_PARTITIONED -> {
          a.partitioned = true;
          a.partitionAnswers = spec.boolParam("agentAnswers", true);
          if (a.downSince == null) {
            a.downSince = c.now;
          }
        }
        case AGENT_RESTART -> a.restart(c.now);
        case RECOVERY_ERRORS -> a.recoveryErrors = spec.longParam("count", 3);
        case TASK_FAILURES -> {
          long failed = spec.longParam("failed", 8);
          long lost = spec.longParam("lost", 3);
          a.tasksFailed += failed;
          a.tasksLost += lost;
          a.statusUpdates += 2 * (failed + lost);
          c.leaderCount(Counter.TASKS_FAILED, failed);
          c.leaderCount(Counter.TASKS_LOST, lost);
        }
        case LAUNCH_ERRORS -> a.launchErrorsPerSecond = (int) spec.longParam("perSecond", 1);
        case HOST_PRESSURE -> a.pressure = true;
        default -> throw new IllegalStateException(kind + " is not an agent fault");
      }
    }
    if (kind == FaultKind.AGENT_RESTART || kind == FaultKind.TASK_FAILURES) {
      return kind.description() + " on " + String.join(", ", abbreviate(ids(targets)));
    }
    c.reverts.put(
        id,
        () -> {
          for (SimAgent a : targets) {
            switch (kind) {
              case AGENT_DISCONNECTED -> {
                a.registered = true;
                a.reregisteredAt = c.now;
                c.leaderCount(Counter.SLAVE_REREGISTRATIONS, 1);
                c.agentAdded(a);
              }
              case AGENT_DRAINING -> {
                a.deactivated = false;
                a.draining = false;
              }
              case AGENT_PARTITIONED -> {
                a.partitioned = false;
                a.partitionAnswers = true;
                if (!a.faults.down && a.downSince != null) {
                  c.reachableAgain(a);
                }
              }
              case AGENT_REMOVED -> {
                a.removed = false;
                a.registeredAt = c.now;
                a.restart(c.now);
                c.leaderCount(Counter.SLAVE_REGISTRATIONS, 1);
                c.agentAdded(a);
              }
              case RECOVERY_ERRORS -> a.recoveryErrors = 0;
              case LAUNCH_ERRORS -> a.launchErrorsPerSecond = 0;
              case HOST_PRESSURE -> a.pressure = false;
              default -> {}
            }
          }
        });
    return kind.description() + " on " + String.join(", ", abbreviate(ids(targets)));
  }

  String applyAppFault(FaultSpec spec, List<String> nodes, long id) {
    if (spec.kind() != FaultKind.HEALTH_CHECK_FAILING) {
      throw new IllegalStateException(spec.kind() + " is not an app fault");
    }
    MarathonApp app = appTarget(spec.target());
    nodes.add(app.id);
    app.healthFailing = true;
    c.reverts.put(id, () -> app.healthFailing = false);
    return "health checks of " + app.id + " failing";
  }

  String applyClusterFault(FaultSpec spec, List<String> nodes, long id) {
    switch (spec.kind()) {
      case AGENT_ADDED -> {
        SimAgent a = c.newAgent(c.agents.size());
        c.agents.add(a);
        c.fillWithBatchTasks(a);
        c.leaderCount(Counter.SLAVE_REGISTRATIONS, 1);
        c.agentAdded(a);
        nodes.add(a.id);
        c.reverts.put(id, () -> c.removeAgent(a));
        return "agent " + a.id + " (" + a.hostname + ") added at " + a.ip;
      }
      case MASTER_FAILOVER -> {
        String before = c.leaderName();
        nodes.add(before);
        c.reregisterWithin =
            Duration.ofSeconds(
                spec.longParam(
                    "reregisterWithinSeconds", SimCluster.DEFAULT_REREGISTER_WITHIN.toSeconds()));
        c.reregisterTimeout =
            Duration.ofSeconds(
                spec.longParam(
                    "reregisterTimeoutSeconds", SimCluster.DEFAULT_REREGISTER_TIMEOUT.toSeconds()));
        c.reregisterSlowShare =
            spec.doubleParam("slowShare", SimCluster.DEFAULT_REREGISTER_SLOW_SHARE);
        c.failover(c.leader < 0 ? -1 : c.leader);
        return "leader " + before + " stepped down; leader is now " + c.leaderName();
      }
      case NO_LEADER -> {
        nodes.add(c.leaderName());
        c.closeOperatorStreams();
        c.leader = -1;
        c.secondLeader = -1;
        c.reverts.put(
            id,
            () -> {
              if (c.leader < 0) {
                c.elect(c.firstAvailableMaster(-1));
              }
            });
        return "no master elected";
      }
      case TWO_LEADERS -> {
        int second = c.firstAvailableMaster(c.leader);
        if (second < 0 || c.leader < 0) {
          throw new IllegalArgumentException("two leaders need two masters and a leader");
        }
        c.secondLeader = second;
        c.masters.get(second).resetCounters();
        nodes.add(c.masters.get(c.leader).hostPort());
        nodes.add(c.masters.get(second).hostPort());
        c.reverts.put(id, () -> c.secondLeader = -1);
        return c.masters.get(second).hostname + " also claims leadership";
      }
      case REGISTRAR_LATENCY -> {
        c.registrarP99Ms = spec.doubleParam("p99Ms", 2500);
        nodes.add(c.leaderName());
        c.reverts.put(id, () -> c.registrarP99Ms = 0);
        return "registrar p99 " + c.registrarP99Ms + " ms";
      }
      case DROPPED_MESSAGES -> {
        c.droppedPerSecond = spec.longParam("perSecond", 5);
        nodes.add(c.leaderName());
        c.reverts.put(id, () -> c.droppedPerSecond = 0);
        return "leader drops " + c.droppedPerSecond + " messages/s";
      }
      case EVENT_QUEUE_BACKLOG -> {
        c.eventQueueBacklog = spec.longParam("messages", 5000);
        nodes.add(c.leaderName());
        c.reverts.put(id, () -> c.eventQueueBacklog = 0);
        return "event queue backlog " + c.eventQueueBacklog;
      }
      case FRAMEWORK_DISCONNECTED -> {
        c.marathonConnected = false;
        nodes.add("marathon");
        c.reverts.put(id, () -> c.marathonConnected = true);
        return "Marathon disconnected";
      }
      case CAPACITY_RAMP -> {
        Duration d =
            spec.duration() == null || spec.duration().isZero()
                ? Duration.ofMinutes(10)
                : spec.duration();
        double to = spec.doubleParam("targetRatio", 0.97);
        // the climb may be shorter than the fault: the allocation then holds at the target
        Duration climb =
            Duration.ofSeconds(
                Math.min(spec.longParam("rampSeconds", d.toSeconds()), d.toSeconds()));
        c.ramp = new SimCluster.Ramp(c.cpuUsedRatio(), to, c.now, climb);
        nodes.add("cluster:" + c.config.cluster());
        c.reverts.put(id, c::endRamp);
        return String.format(
            "CPU allocation ramps from %.2f to %.2f over %s, held until %s",
            c.ramp.fromRatio(), to, climb, d);
      }
      case MARATHON_FAILOVER -> {
        Duration blank =
            spec.duration() == null || spec.duration().isZero()
                ? Duration.ofSeconds(30)
                : spec.duration();
        for (Map.Entry<SimAgent, SimTask> e : c.marathonTasks()) {
          e.getValue().healthBlankUntil = c.now.plus(blank);
        }
        nodes.add("marathon");
        return "Marathon failed over; health results blank for " + blank;
      }
      default -> throw new IllegalStateException(spec.kind() + " is not a cluster fault");
    }
  }

  List<Object> nodeTargets(String target) {
    if (target == null) {
      throw new IllegalArgumentException("this fault needs a target");
    }
    if (target.equals("marathon")) {
      return List.of("marathon");
    }
    if (target.equals("leader")
        || target.equals("random-master")
        || target.equals("random-follower")) {
      return List.of(masterTarget(target));
    }
    for (SimMaster m : c.masters) {
      if (m.hostPort().equals(target) || m.hostname.equals(target) || m.id.equals(target)) {
        return List.of(m);
      }
    }
    return new ArrayList<>(agentTargets(target));
  }

  List<SimAgent> agentTargets(String target) {
    List<SimAgent> live = new ArrayList<>();
    for (SimAgent a : c.agents) {
      if (!a.removed) {
        live.add(a);
      }
    }
    if ("all-agents".equals(target)) {
      return live;
    }
    if (target == null || target.equals("random-agent")) {
      if (live.isEmpty()) {
        throw new IllegalArgumentException("no agent to pick");
      }
      return List.of(live.get(c.rng.nextInt(live.size())));
    }
    return List.of(
        c.agent(target)
            .filter(a -> !a.removed)
            .orElseThrow(
                () -> new IllegalArgumentException("no agent or master '" + target + "'")));
  }

  SimMaster masterTarget(String target) {
    if (target == null || target.equals("leader")) {
      if (c.leader < 0) {
        throw new IllegalArgumentException("no elected master");
      }
      return c.masters.get(c.leader);
    }
    if (target.equals("random-master")) {
      return c.masters.get(c.rng.nextInt(c.masters.size()));
    }
    if (target.equals("random-follower")) {
      List<SimMaster> followers = c.masters.stream().filter(m -> !c.isElected(m)).toList();
      if (followers.isEmpty()) {
        throw new IllegalArgumentException("no follower master");
      }
      return followers.get(c.rng.nextInt(followers.size()));
    }
    return c.masters.stream()
        .filter(
            m -> m.hostPort().equals(target) || m.hostname.equals(target) || m.id.equals(target))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no master '" + target + "'"));
  }

  MarathonApp appTarget(String target) {
    if (c.apps.isEmpty()) {
      throw new IllegalArgumentException("no Marathon apps");
    }
    if (target == null || target.equals("random-app")) {
      return c.apps.get(c.rng.nextInt(c.apps.size()));
    }
    return c.apps.stream()
        .filter(a -> a.id.equals(target) || a.id.equals("/" + target))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no app '" + target + "'"));
  }

  static List<String> ids(List<SimAgent> agents) {
    return agents.stream().map(a -> a.id).toList();
  }

  static List<String> abbreviate(List<String> nodes) {
    return nodes.size() <= 5 ? nodes : List.of(nodes.get(0), "... " + nodes.size() + " nodes");
  }
}
