package dev.mesoshealth.sim.cluster;

import java.time.Instant;
import java.util.List;

/** A task running on a simulated agent: a Marathon app instance or a batch task. */
public final class SimTask {
  final String id;
  final String frameworkId;
  final MarathonApp app;
  final double cpus;
  final double memMb;
  final double diskMb;
  final List<Integer> ports;
  final Instant stagedAt;
  final Instant startedAt;
  final boolean ramp;
  String state = "TASK_RUNNING";
  int consecutiveFailures;
  Instant firstSuccess;
  Instant lastSuccess;
  Instant lastFailure;
  String lastFailureCause;

  /** After a Marathon failover, results are blank until this time. */
  Instant healthBlankUntil;

  SimTask(
      String id,
      String frameworkId,
      MarathonApp app,
      double cpus,
      double memMb,
      double diskMb,
      List<Integer> ports,
      Instant at,
      boolean ramp) {
    this.id = id;
    this.frameworkId = frameworkId;
    this.app = app;
    this.cpus = cpus;
    this.memMb = memMb;
    this.diskMb = diskMb;
    this.ports = List.copyOf(ports);
    this.stagedAt = at.minusMillis(1500);
    this.startedAt = at;
    this.ramp = ramp;
  }

  boolean isMarathon() {
    return app != null;
  }

  boolean isRunning() {
    return state.equals("TASK_RUNNING");
  }
}
