package dev.mesoshealth.sim.cluster;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Ground truth: one injected fault, on which nodes, when it started and ended. Tests and the
 * benchmark measure detection latency from {@code startedAt}.
 *
 * @param nodes node ids hit (agent ids, master host:port, app ids)
 * @param endedAt null while the fault is active
 */
public record FaultRecord(
    long id,
    FaultKind kind,
    String target,
    List<String> nodes,
    Map<String, String> params,
    Instant startedAt,
    Instant plannedEnd,
    Instant endedAt,
    String detail) {

  public FaultRecord {
    nodes = List.copyOf(nodes);
    params = Map.copyOf(params);
  }

  public boolean active() {
    return endedAt == null;
  }

  FaultRecord ended(Instant at) {
    return new FaultRecord(id, kind, target, nodes, params, startedAt, plannedEnd, at, detail);
  }
}
