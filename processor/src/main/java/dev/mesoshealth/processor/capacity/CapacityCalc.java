package dev.mesoshealth.processor.capacity;

import dev.mesoshealth.events.CapacityTrend;
import dev.mesoshealth.events.ResourceCapacity;
import dev.mesoshealth.events.Resources;
import dev.mesoshealth.events.ShapeFit;
import dev.mesoshealth.events.Trend;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A group's capacity from its parts (see {@link CapacityPart}): sums per resource over every agent,
 * free capacity over the agents that count (active, not draining), tasks of each reference shape
 * that fit (per agent, summed: a task cannot span agents), the largest free slot and the
 * fragmentation index. Pure.
 */
public final class CapacityCalc {
  private CapacityCalc() {}

  public static CapacityTrend compute(
      GroupIds.Group group,
      List<CapacityPart> parts,
      Instant windowStart,
      Instant windowEnd,
      boolean fin,
      List<Shape> shapes,
      Map<String, List<Trend>> trends) {
    double[] total = new double[4];
    double[] used = new double[4];
    double[] reserved = new double[4];
    double[] offered = new double[4];
    double[] free = new double[4];
    int counted = 0;
    int excluded = 0;
    long[] placeable = new long[shapes.size()];
    double[] largest = null;
    for (CapacityPart p : parts) {
      counted += p.counted();
      excluded += p.excluded();
      for (int i = 0; i < 4; i++) {
        total[i] += p.total()[i];
        used[i] += p.used()[i];
        reserved[i] += p.reserved()[i];
        offered[i] += p.offered()[i];
        free[i] += p.free()[i];
      }
      for (int s = 0; s < shapes.size(); s++) {
        placeable[s] += p.placeable().getOrDefault(shapes.get(s).name(), 0L);
      }
      if (CapacityPart.roomier(p.largestFreeSlot(), largest)) {
        largest = p.largestFreeSlot();
      }
    }
    List<ResourceCapacity> resources = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      String name = Contribution.RESOURCES.get(i);
      resources.add(
          ResourceCapacity.newBuilder()
              .setResource(name)
              .setTotal(total[i])
              .setUsed(used[i])
              .setReserved(reserved[i])
              .setOffered(offered[i])
              .setFree(free[i])
              .setUsedRatio(total[i] == 0 ? 0 : used[i] / total[i])
              .setTrends(trends.getOrDefault(name, List.of()))
              .build());
    }
    List<ShapeFit> fits = new ArrayList<>();
    for (int s = 0; s < shapes.size(); s++) {
      Shape shape = shapes.get(s);
      fits.add(
          new ShapeFit(shape.name(), shape.cpus(), shape.memMb(), shape.diskMb(), placeable[s]));
    }
    Shape biggest =
        shapes.stream().max(java.util.Comparator.comparingDouble(Shape::cpus)).orElseThrow();
    long bigFits = placeable[shapes.indexOf(biggest)];
    double fragmentation =
        free[0] <= 0 ? 0 : Math.max(0, 1 - Math.min(free[0], bigFits * biggest.cpus()) / free[0]);
    Resources slot =
        largest == null
            ? Resources.newBuilder().build()
            : Resources.newBuilder()
                .setCpus(largest[0])
                .setMemMb(largest[1])
                .setDiskMb(largest[2])
                .setGpus(largest[3])
                .build();
    return CapacityTrend.newBuilder()
        .setGroupId(group.id())
        .setCluster(group.cluster())
        .setKind(group.kind())
        .setAttribute(group.attribute())
        .setValue(group.value())
        .setWindowStart(windowStart)
        .setWindowEnd(windowEnd)
        .setFinal$(fin)
        .setAgents(counted)
        .setAgentsExcluded(excluded)
        .setResources(resources)
        .setShapes(fits)
        .setLargestFreeSlot(slot)
        .setFragmentationIndex(fragmentation)
        .build();
  }
}
