package dev.mesoshealth.collector.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The leader's maintenance schedule and status (/maintenance/schedule, /maintenance/status) as one
 * lookup: which machine, by hostname and IP, is DRAINING or DOWN, for which window. Pure.
 */
public final class MaintenanceParser {
  private MaintenanceParser() {}

  /** A machine's maintenance: its mode and window. */
  public record Entry(String mode, Instant start, Instant end) {}

  private record Machine(String hostname, String ip, Entry entry) {
    boolean matches(String host, String address) {
      return (hostname == null || hostname.equals(host)) && (ip == null || ip.equals(address));
    }
  }

  /** The schedule as the collector uses it; {@link #NONE} when the master has none. */
  public static final class Schedule {
    private final List<Machine> machines;

    private Schedule(List<Machine> machines) {
      this.machines = List.copyOf(machines);
    }

    /** The maintenance of the agent's machine, or null. */
    public Entry lookup(String hostname, String ip) {
      for (Machine m : machines) {
        if (m.matches(hostname, ip)) {
          return m.entry();
        }
      }
      return null;
    }

    public boolean isEmpty() {
      return machines.isEmpty();
    }
  }

  public static final Schedule NONE = new Schedule(List.of());

  public static Schedule parse(byte[] schedule, byte[] status) throws InvalidResponseException {
    JsonNode root = JsonBodies.object(schedule);
    Set<String> down = new HashSet<>();
    for (JsonNode m : JsonBodies.object(status).path("down_machines")) {
      down.add(JsonBodies.text(m, "hostname") + "/" + JsonBodies.text(m, "ip"));
    }
    List<Machine> machines = new ArrayList<>();
    for (JsonNode w : root.path("windows")) {
      JsonNode u = w.path("unavailability");
      if (!u.path("start").path("nanoseconds").isNumber()) {
        throw new InvalidResponseException("a maintenance window without unavailability.start");
      }
      Instant start = nanos(u.path("start").path("nanoseconds").asLong());
      long duration = u.path("duration").path("nanoseconds").asLong(0);
      Instant end = duration > 0 ? start.plusNanos(duration) : null;
      for (JsonNode m : w.path("machine_ids")) {
        String hostname = JsonBodies.text(m, "hostname");
        String ip = JsonBodies.text(m, "ip");
        if (hostname == null && ip == null) {
          throw new InvalidResponseException("a maintenance machine_id without hostname or ip");
        }
        String mode = down.contains(hostname + "/" + ip) ? "DOWN" : "DRAINING";
        machines.add(new Machine(hostname, ip, new Entry(mode, start, end)));
      }
    }
    return new Schedule(machines);
  }

  private static Instant nanos(long n) {
    return Instant.ofEpochSecond(
        Math.floorDiv(n, 1_000_000_000L), Math.floorMod(n, 1_000_000_000L));
  }
}
