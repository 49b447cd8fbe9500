package dev.mesoshealth.processor.health;

import dev.mesoshealth.events.HealthStatus;
import dev.mesoshealth.events.NodeRole;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything the processor remembers about one node between snapshots: its state and why, the
 * hysteresis in progress, counter baselines and recent counter events for the rate rules, and what
 * the inventory says. Stored per node in the {@code node-health} store.
 *
 * @param pending the state a run of evaluations is moving towards, or null
 * @param streak how many consecutive evaluations pointed at {@code pending}
 * @param failedPolls consecutive failed polls, for messages
 * @param minute the one-minute summary in progress, or null; kept here, not in the {@code
 *     node-minutes} window store, until the minute is over, so a snapshot costs one read and one
 *     write of state instead of three
 */
public record NodeMemory(
    String nodeId,
    String cluster,
    NodeRole role,
    String hostname,
    String address,
    HealthStatus state,
    Instant since,
    List<Reason> reasons,
    HealthStatus pending,
    int streak,
    int failedPolls,
    Instant lastSnapshotAt,
    Instant evaluatedAt,
    Boolean elected,
    Map<String, Double> counters,
    List<CounterEvent> events,
    InventoryView inventory,
    NodeMinute minute) {

  public NodeMemory {
    reasons = reasons == null ? List.of() : List.copyOf(reasons);
    counters = counters == null ? Map.of() : Map.copyOf(counters);
    events = events == null ? List.of() : List.copyOf(events);
    inventory = inventory == null ? InventoryView.UNKNOWN : inventory;
  }

  /** A node seen for the first time. */
  public static NodeMemory fresh(
      String nodeId, String cluster, NodeRole role, String hostname, String address, Instant at) {
    return new NodeMemory(
        nodeId,
        cluster,
        role,
        hostname,
        address,
        HealthStatus.UNKNOWN,
        at,
        List.of(),
        null,
        0,
        0,
        null,
        at,
        null,
        Map.of(),
        List.of(),
        InventoryView.UNKNOWN,
        null);
  }

  /** The same memory with another minute in progress. */
  public NodeMemory withMinute(NodeMinute m) {
    return new NodeMemory(
        nodeId,
        cluster,
        role,
        hostname,
        address,
        state,
        since,
        reasons,
        pending,
        streak,
        failedPolls,
        lastSnapshotAt,
        evaluatedAt,
        elected,
        counters,
        events,
        inventory,
        m);
  }

  /** A machine's maintenance: DRAINING (scheduled) or DOWN, and its window. */
  public record MaintenanceWindow(String mode, Instant start, Instant end) {}

  /** A counter's change seen at a time, for windowed rules (failed tasks, restarts). */
  public record CounterEvent(Instant at, String kind, double amount) {}

  /**
   * What the leader's /master/slaves says of an agent.
   *
   * @param known whether the inventory has ever listed it
   * @param recovering listed under recovered_slaves: a new leader waits for it to re-register
   * @param unlistedSince since when the master no longer lists it (marked unreachable, or shut
   *     down), or null
   * @param leftAnswering whether it still answered our polls when the master stopped listing it: an
   *     agent that then stops answering has shut down and left; one that keeps answering is cut off
   *     from the master. One that had stopped answering before is what the master marked
   *     unreachable.
   * @param maintenance the machine's maintenance window (DRAINING or DOWN), or null
   */
  public record InventoryView(
      boolean known,
      boolean active,
      boolean deactivated,
      String drainState,
      boolean gone,
      Instant goneAt,
      boolean recovering,
      Instant unlistedSince,
      boolean leftAnswering,
      MaintenanceWindow maintenance) {
    public static final InventoryView UNKNOWN =
        new InventoryView(false, true, false, null, false, null, false, null, false, null);

    /** Planned unavailability: drained or deactivated by an operator, or in maintenance. */
    public boolean draining() {
      return deactivated || drainState != null || maintenance != null;
    }

    public boolean unlisted() {
      return unlistedSince != null;
    }
  }
}
