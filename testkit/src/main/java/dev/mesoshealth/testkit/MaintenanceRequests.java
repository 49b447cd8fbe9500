package dev.mesoshealth.testkit;

import dev.mesoshealth.sim.cluster.SimAgent;
import java.time.Duration;
import java.time.Instant;

/**
 * Bodies of the master's maintenance endpoints (/maintenance/schedule, /machine/down, /machine/up)
 * for a simulated agent's machine, as an operator sends them.
 */
public final class MaintenanceRequests {
  private MaintenanceRequests() {}

  /** The agent's machine as Mesos names it: its hostname and IP. */
  public static String machine(SimAgent agent) {
    return "{\"hostname\":\"" + agent.hostname() + "\",\"ip\":\"" + agent.ip() + "\"}";
  }

  /** A schedule of one window on the agent's machine. */
  public static String schedule(SimAgent agent, Instant start, Duration length) {
    return "{\"windows\":[{\"machine_ids\":["
        + machine(agent)
        + "],\"unavailability\":{\"start\":{\"nanoseconds\":"
        + nanos(start)
        + "},\"duration\":{\"nanoseconds\":"
        + length.toNanos()
        + "}}}]}";
  }

  private static long nanos(Instant at) {
    return at.getEpochSecond() * 1_000_000_000L + at.getNano();
  }
}
