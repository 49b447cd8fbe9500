package dev.mesoshealth.processor.capacity;

import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a share of a capacity group's agents adds up to: the group's agents in one stream partition,
 * summed where the fan-out keeps them. Parts add up to the group: the counts and sums add, and the
 * largest free slot is the largest of the parts'.
 *
 * @param largestFreeSlot free cpus, mem, disk, gpus of the agent with the most free CPUs (then
 *     memory) among those that count; null when none counts
 * @param at the latest inventory observation summed in
 * @param partialRound summed before the partition had seen a whole round of inventory after a
 *     start, so it may lack agents; false in state written before this flag existed
 */
public record CapacityPart(
    int counted,
    int excluded,
    double[] total,
    double[] used,
    double[] reserved,
    double[] offered,
    double[] free,
    Map<String, Long> placeable,
    double[] largestFreeSlot,
    Instant at,
    boolean partialRound) {

  public CapacityPart {
    placeable = placeable == null ? Map.of() : Map.copyOf(placeable);
  }

  public static CapacityPart of(Collection<Contribution> agents, Instant at, boolean partialRound) {
    int counted = 0;
    int excluded = 0;
    double[] total = new double[4];
    double[] used = new double[4];
    double[] reserved = new double[4];
    double[] offered = new double[4];
    double[] free = new double[4];
    Map<String, Long> placeable = new LinkedHashMap<>();
    double[] slot = null;
    for (Contribution c : agents) {
      if (c.counted()) {
        counted++;
      } else {
        excluded++;
      }
      for (int i = 0; i < 4; i++) {
        total[i] += c.total()[i];
        used[i] += c.used()[i];
        reserved[i] += c.reserved()[i];
        offered[i] += c.offered()[i];
        free[i] += c.free(i);
      }
      c.placeable().forEach((shape, n) -> placeable.merge(shape, n, Long::sum));
      if (c.counted()) {
        double[] mine = {c.free(0), c.free(1), c.free(2), c.free(3)};
        slot = roomier(mine, slot) ? mine : slot;
      }
    }
    return new CapacityPart(
        counted, excluded, total, used, reserved, offered, free, placeable, slot, at, partialRound);
  }

  /** Whether free slot {@code a} is roomier than {@code b}: more CPUs, then more memory. */
  static boolean roomier(double[] a, double[] b) {
    return a != null && (b == null || a[0] > b[0] || (a[0] == b[0] && a[1] > b[1]));
  }
}
