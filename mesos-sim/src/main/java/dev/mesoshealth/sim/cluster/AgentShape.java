package dev.mesoshealth.sim.cluster;

import java.util.List;
import java.util.SplittableRandom;

/** A machine type agents run on, with its share of the fleet. */
record AgentShape(
    String instanceType, double cpus, double memMb, double diskMb, double gpus, int weight) {

  static final List<AgentShape> FLEET =
      List.of(
          new AgentShape("m5.xlarge", 4, 15_360, 100_000, 0, 35),
          new AgentShape("m5.2xlarge", 8, 31_744, 200_000, 0, 30),
          new AgentShape("c5.4xlarge", 16, 30_720, 200_000, 0, 15),
          new AgentShape("r5.2xlarge", 8, 63_488, 200_000, 0, 15),
          new AgentShape("p3.2xlarge", 8, 62_464, 200_000, 1, 5));

  static AgentShape pick(SplittableRandom rng) {
    int total = FLEET.stream().mapToInt(AgentShape::weight).sum();
    int r = rng.nextInt(total);
    for (AgentShape shape : FLEET) {
      r -= shape.weight;
      if (r < 0) {
        return shape;
      }
    }
    return FLEET.get(0);
  }
}
