package dev.mesoshealth.sim.cluster;

import java.util.List;
import java.util.Map;

/** A long-running Marathon app whose instances run on simulated agents. */
public final class MarathonApp {
  final String id;
  final int instances;
  final double cpus;
  final double memMb;
  final double diskMb;
  final List<Integer> servicePorts;
  final boolean healthChecks;
  final Map<String, String> labels;
  final String version;

  /** Health checks of every instance fail while set. */
  boolean healthFailing;

  MarathonApp(
      String id,
      int instances,
      double cpus,
      double memMb,
      double diskMb,
      List<Integer> servicePorts,
      boolean healthChecks,
      Map<String, String> labels,
      String version) {
    this.id = id;
    this.instances = instances;
    this.cpus = cpus;
    this.memMb = memMb;
    this.diskMb = diskMb;
    this.servicePorts = List.copyOf(servicePorts);
    this.healthChecks = healthChecks;
    this.labels = Map.copyOf(labels);
    this.version = version;
  }

  public List<Integer> servicePorts() {
    return servicePorts;
  }

  public String id() {
    return id;
  }

  /** The task id prefix Marathon uses: the app id without '/' separators. */
  String taskPrefix() {
    return id.substring(1).replace('/', '_');
  }
}
