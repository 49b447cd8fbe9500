package dev.mesoshealth.processor.capacity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesoshealth.events.CapacityTrend;
import dev.mesoshealth.events.GroupKind;
import dev.mesoshealth.events.ShapeFit;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CapacityCalcTest {
  private static final double DISK = 204_800; // roomy enough that disk never limits here
  private static final Instant T = Instant.parse("2026-11-25T00:00:00Z");
  private static final GroupIds.Group CLUSTER =
      new GroupIds.Group("c", "c", GroupKind.CLUSTER, null, null);

  private static Contribution agent(
      String id, boolean counted, double cpus, double usedCpus, double mem, double usedMem) {
    double[] total = {cpus, mem, DISK, 0};
    double[] used = {usedCpus, usedMem, 0, 0};
    Map<String, Long> placeable = new java.util.LinkedHashMap<>();
    for (Shape s : Shape.DEFAULTS) {
      placeable.put(s.name(), counted ? s.fits(cpus - usedCpus, mem - usedMem, DISK) : 0L);
    }
    return new Contribution(id, id, counted, total, used, new double[4], new double[4], placeable);
  }

  /** The group's final point for the minute from T, from its parts. */
  private static CapacityTrend point(List<CapacityPart> parts) {
    return CapacityCalc.compute(
        CLUSTER, parts, T, T.plusSeconds(60), true, Shape.DEFAULTS, Map.of());
  }

  @Test
  void plentyOfFreeCpuCanStillFitNoLargeTask() {
    // ten agents with 6 free CPUs each: 60 free CPUs, yet an 8-CPU task fits nowhere
    List<Contribution> agents = new java.util.ArrayList<>();
    for (int i = 0; i < 10; i++) {
      agents.add(agent("a" + i, true, 16, 10, 65_536, 16_384));
    }

    CapacityTrend c = point(List.of(CapacityPart.of(agents, T, false)));

    assertThat(c.getResources().get(0).getFree()).isEqualTo(60.0);
    assertThat(c.getShapes()).extracting(ShapeFit::getPlaceable).containsExactly(120L, 30L, 0L);
    assertThat(c.getFragmentationIndex()).isEqualTo(1.0);
    assertThat(c.getLargestFreeSlot().getCpus()).isEqualTo(6.0);
  }

  @Test
  void oneRoomyAgentLowersFragmentation() {
    List<Contribution> agents =
        List.of(
            agent("full", true, 16, 14, 65_536, 60_000), agent("roomy", true, 16, 0, 65_536, 0));

    CapacityTrend c = point(List.of(CapacityPart.of(agents, T, false)));

    assertThat(c.getShapes().get(2).getPlaceable()).isEqualTo(2);
    assertThat(c.getFragmentationIndex()).isEqualTo(1 - 16.0 / 18.0);
    assertThat(c.getLargestFreeSlot().getCpus()).isEqualTo(16.0);
    assertThat(c.getLargestFreeSlot().getMemMb()).isEqualTo(65_536.0);
  }

  @Test
  void inactiveAndDrainingAgentsAreCountedInTotalsButNotInFreeCapacity() {
    List<Contribution> agents =
        List.of(agent("ok", true, 8, 2, 32_768, 0), agent("draining", false, 8, 0, 32_768, 0));

    CapacityTrend c = point(List.of(CapacityPart.of(agents, T, false)));

    assertThat(c.getAgents()).isEqualTo(1);
    assertThat(c.getAgentsExcluded()).isEqualTo(1);
    assertThat(c.getResources().get(0).getTotal()).isEqualTo(16.0);
    assertThat(c.getResources().get(0).getFree()).isEqualTo(6.0);
    assertThat(c.getResources().get(0).getUsedRatio()).isEqualTo(2.0 / 16.0);
  }

  @Test
  void partsAddUpToTheWholeGroup() {
    List<Contribution> agents =
        List.of(
            agent("a", true, 16, 10, 65_536, 16_384),
            agent("b", true, 16, 0, 65_536, 0),
            agent("c", false, 8, 0, 32_768, 0),
            agent("d", true, 8, 7.5, 32_768, 30_000),
            agent("e", true, 32, 4, 131_072, 8_192));
    CapacityTrend whole = point(List.of(CapacityPart.of(agents, T, false)));

    // as two stream partitions would sum them, the roomiest agent in the second
    CapacityTrend split =
        point(
            List.of(
                CapacityPart.of(agents.subList(0, 2), T, false),
                CapacityPart.of(agents.subList(2, 5), T, false)));

    assertThat(split).isEqualTo(whole);
    assertThat(split.getLargestFreeSlot().getCpus()).isEqualTo(28.0);
    assertThat(split.getAgents()).isEqualTo(4);
    assertThat(split.getAgentsExcluded()).isEqualTo(1);
  }

  @Test
  void aPartWithNoAgentThatCountsHasNoFreeSlot() {
    CapacityPart part = CapacityPart.of(List.of(agent("x", false, 8, 0, 32_768, 0)), T, false);

    assertThat(part.largestFreeSlot()).isNull();
    assertThat(part.excluded()).isEqualTo(1);
    assertThat(part.free()).containsExactly(0, 0, 0, 0);
  }
}
