package dev.mesoshealth.sim.cluster;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The simulated Marathon's apps and their tasks: placed on agents with free resources and ports at
 * the start, and replaced when one is lost. Runs under the {@link SimCluster}'s lock.
 */
final class MarathonSim {
  private static final List<String> APP_NAMES =
      List.of(
          "/web/frontend",
          "/web/api",
          "/payments/gateway",
          "/search/indexer",
          "/auth/sso",
          "/shop/cart",
          "/media/thumbnailer",
          "/mobile/bff",
          "/ads/bidder",
          "/data/ingest",
          "/ops/grafana",
          "/ops/prometheus");

  private final SimCluster c;

  MarathonSim(SimCluster c) {
    this.c = c;
  }

  MarathonApp newApp(int i) {
    String id =
        i < APP_NAMES.size()
            ? APP_NAMES.get(i)
            : "/team-" + (i / APP_NAMES.size()) + APP_NAMES.get(i % APP_NAMES.size());
    int instances = 2 + c.rng.nextInt(4);
    double cpus = new double[] {0.25, 0.5, 1}[c.rng.nextInt(3)];
    double mem = 256 * (1 + c.rng.nextInt(8));
    List<Integer> servicePorts =
        c.rng.nextInt(4) == 0 ? List.of(10000 + 2 * i, 10001 + 2 * i) : List.of(10000 + 2 * i);
    boolean checks = c.rng.nextInt(5) != 0;
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(
        "HAPROXY_GROUP", id.startsWith("/web") || id.startsWith("/shop") ? "external" : "internal");
    labels.put("HAPROXY_0_MODE", "http");
    return new MarathonApp(
        id,
        instances,
        cpus,
        mem,
        0,
        servicePorts,
        checks,
        labels,
        c.now.minusSeconds(86_400 + c.rng.nextInt(86_400)).toString());
  }

  void placeMarathonTasks() {
    for (MarathonApp app : c.apps) {
      for (int n = 0; n < app.instances; n++) {
        launchMarathonTask(app);
      }
    }
  }

  void replaceMissingMarathonTasks() {
    Map<MarathonApp, Integer> live = new java.util.HashMap<>();
    for (SimAgent a : c.agents) {
      if (a.removed) {
        continue;
      }
      for (SimTask t : a.tasks) {
        if (t.app != null) {
          live.merge(t.app, 1, Integer::sum);
        }
      }
    }
    for (MarathonApp app : c.apps) {
      for (int n = live.getOrDefault(app, 0); n < app.instances; n++) {
        launchMarathonTask(app);
      }
    }
  }

  void launchMarathonTask(MarathonApp app) {
    List<SimAgent> candidates = new ArrayList<>();
    for (SimAgent a : c.agents) {
      if (a.active()
          && !a.deactivated
          && !a.faults.down
          && a.fits(app.cpus, app.memMb, app.diskMb)) {
        candidates.add(a);
      }
    }
    if (candidates.isEmpty()) {
      return;
    }
    SimAgent agent = candidates.get(c.rng.nextInt(candidates.size()));
    List<Integer> ports = new ArrayList<>();
    for (int p = 0; p < app.servicePorts.size(); p++) {
      ports.add(freePort(agent, ports));
    }
    SimTask task =
        new SimTask(
            app.taskPrefix() + "." + SimCluster.uuid(c.rng),
            c.marathonFrameworkId,
            app,
            app.cpus,
            app.memMb,
            app.diskMb,
            ports,
            c.now,
            false);
    if (app.healthChecks) {
      task.firstSuccess = c.now;
      task.lastSuccess = c.now;
    }
    agent.tasks.add(task);
    agent.fetchesSucceeded++;
    if (!c.operatorSubscribers.isEmpty()) {
      c.operatorEvent(MesosJson.operatorTaskAdded(agent, task));
      c.operatorEvent(MesosJson.operatorTaskUpdated(agent, task, "TASK_RUNNING", c.now));
    }
  }

  static int freePort(SimAgent agent, List<Integer> taken) {
    for (int port = 31000; port <= 32000; port++) {
      boolean used = taken.contains(port);
      for (SimTask t : agent.tasks) {
        if (t.ports.contains(port)) {
          used = true;
          break;
        }
      }
      if (!used) {
        return port;
      }
    }
    return 31000;
  }
}
