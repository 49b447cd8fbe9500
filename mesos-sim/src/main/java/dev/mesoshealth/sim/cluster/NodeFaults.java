package dev.mesoshealth.sim.cluster;

/**
 * HTTP-level faults of one simulated node, read by the request handlers. Guarded by the cluster's
 * lock.
 */
public final class NodeFaults {
  /** Listener closed: connection refused. */
  public boolean down;

  /** Accepts requests and never answers. */
  public boolean hung;

  /** Answers after this many milliseconds. */
  public long delayMs;

  /** Answers every request with this status (0: none). */
  public int httpStatus;

  /** Answers with a truncated, unparsable body. */
  public boolean malformed;

  /** Leaves some keys out of /metrics/snapshot. */
  public boolean partial;

  boolean any() {
    return down || hung || delayMs > 0 || httpStatus != 0 || malformed || partial;
  }
}
