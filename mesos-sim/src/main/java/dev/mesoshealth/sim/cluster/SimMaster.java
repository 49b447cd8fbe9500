package dev.mesoshealth.sim.cluster;

import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

/** One simulated Mesos master. Guarded by the cluster lock. */
public final class SimMaster {
  /** Counters a master keeps while it leads; a newly elected master starts them at zero. */
  enum Counter {
    TASKS_FINISHED,
    TASKS_FAILED,
    TASKS_KILLED,
    TASKS_LOST,
    TASKS_ERROR,
    VALID_STATUS_UPDATES,
    INVALID_STATUS_UPDATES,
    DROPPED_MESSAGES,
    SLAVE_REGISTRATIONS,
    SLAVE_REREGISTRATIONS,
    SLAVE_REMOVALS,
    RECOVERY_SLAVE_REMOVALS,
    SLAVE_UNREACHABLE_SCHEDULED,
    SLAVE_UNREACHABLE_COMPLETED,
    MESSAGES,
    ALLOCATION_RUNS
  }

  final int index;
  final String id;
  final String hostname;
  final String ip;
  int port;
  Instant startedAt;
  final NodeFaults faults = new NodeFaults();
  final Map<Counter, Long> counters = new EnumMap<>(Counter.class);

  SimMaster(int index, String id, String hostname, String ip, int port, Instant startedAt) {
    this.index = index;
    this.id = id;
    this.hostname = hostname;
    this.ip = ip;
    this.port = port;
    this.startedAt = startedAt;
    resetCounters();
  }

  public NodeFaults faults() {
    return faults;
  }

  public String id() {
    return id;
  }

  public String hostname() {
    return hostname;
  }

  public String ip() {
    return ip;
  }

  public int port() {
    return port;
  }

  public void setPort(int port) {
    this.port = port;
  }

  public boolean listening() {
    return !faults.down;
  }

  /** host:port as Mesos writes it in redirects and pids. */
  public String hostPort() {
    return ip + ":" + port;
  }

  void resetCounters() {
    for (Counter c : Counter.values()) {
      counters.put(c, 0L);
    }
  }

  void add(Counter counter, long n) {
    counters.merge(counter, n, Long::sum);
  }

  long get(Counter counter) {
    return counters.get(counter);
  }
}
