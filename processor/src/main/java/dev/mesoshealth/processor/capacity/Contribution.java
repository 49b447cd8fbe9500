package dev.mesoshealth.processor.capacity;

import dev.mesoshealth.events.AgentInventory;
import dev.mesoshealth.events.Resources;
import java.util.List;
import java.util.Map;

/**
 * What one agent brings to one capacity group: its resources, whether it counts toward free
 * capacity (active and not draining), and how many tasks of each reference shape fit on it.
 */
public record Contribution(
    String agentId,
    String hostname,
    boolean counted,
    double[] total,
    double[] used,
    double[] reserved,
    double[] offered,
    Map<String, Long> placeable) {

  /** cpus, mem, disk, gpus: the order of every array here. */
  public static final List<String> RESOURCES = List.of("cpus", "mem", "disk", "gpus");

  public Contribution {
    placeable = placeable == null ? Map.of() : Map.copyOf(placeable);
  }

  static double[] of(Resources r) {
    return new double[] {r.getCpus(), r.getMemMb(), r.getDiskMb(), r.getGpus()};
  }

  /**
   * @param role the role group this contribution is for, or null for the other groups (whose
   *     reserved column is every role's reservation)
   */
  public static Contribution of(AgentInventory a, String role, List<Shape> shapes) {
    boolean counted = a.getActive() && !a.getDeactivated() && a.getDrainState() == null;
    double[] total = of(a.getTotal());
    double[] used = of(a.getUsed());
    double[] reserved = new double[4];
    for (Map.Entry<String, Resources> r : a.getReservedByRole().entrySet()) {
      if (role == null || role.equals(r.getKey())) {
        double[] rr = of(r.getValue());
        for (int i = 0; i < 4; i++) {
          reserved[i] += rr[i];
        }
      }
    }
    Map<String, Long> placeable = new java.util.LinkedHashMap<>();
    for (Shape s : shapes) {
      placeable.put(
          s.name(),
          counted ? s.fits(total[0] - used[0], total[1] - used[1], total[2] - used[2]) : 0L);
    }
    return new Contribution(
        a.getAgentId(),
        a.getHostname(),
        counted,
        total,
        used,
        reserved,
        of(a.getOffered()),
        placeable);
  }

  public double free(int resource) {
    return counted ? Math.max(0, total[resource] - used[resource]) : 0;
  }
}
