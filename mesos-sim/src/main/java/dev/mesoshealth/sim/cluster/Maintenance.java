package dev.mesoshealth.sim.cluster;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Mesos maintenance primitives (docs/maintenance.md): machines, named by hostname and IP, are
 * scheduled for windows of unavailability; a scheduled machine is DRAINING until an operator marks
 * it DOWN (its agents shut down and may not register) and then UP (it leaves the schedule).
 */
public final class Maintenance {
  private Maintenance() {}

  /** A machine as Mesos names it; either part may be missing, not both. */
  public record MachineId(String hostname, String ip) {
    public MachineId {
      if ((hostname == null || hostname.isEmpty()) && (ip == null || ip.isEmpty())) {
        throw new IllegalArgumentException("a machine id needs a hostname or an ip");
      }
    }

    boolean matches(SimAgent a) {
      return (hostname == null || hostname.isEmpty() || hostname.equals(a.hostname))
          && (ip == null || ip.isEmpty() || ip.equals(a.ip));
    }
  }

  /** One window: the machines unavailable from start for the duration. */
  public record Window(List<MachineId> machines, Instant start, Duration duration) {
    public Window {
      machines = List.copyOf(machines);
      if (machines.isEmpty()) {
        throw new IllegalArgumentException("a maintenance window needs machine_ids");
      }
    }
  }
}
