package dev.mesoshealth.sim.cluster;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Renders Marathon's {@code /v2/apps?embed=apps.tasks} and {@code /v2/tasks}. Lock held. */
final class MarathonJson {
  private MarathonJson() {}

  static byte[] apps(SimCluster c, boolean embedTasks) {
    List<Map.Entry<SimAgent, SimTask>> tasks = c.marathonTasks();
    return MesosJson.write(
        g -> {
          g.writeStartObject();
          g.writeArrayFieldStart("apps");
          for (MarathonApp app : c.apps) {
            List<Map.Entry<SimAgent, SimTask>> own = new ArrayList<>();
            for (Map.Entry<SimAgent, SimTask> e : tasks) {
              if (e.getValue().app == app) {
                own.add(e);
              }
            }
            app(g, c, app, own, embedTasks);
          }
          g.writeEndArray();
          g.writeEndObject();
        });
  }

  static byte[] tasks(SimCluster c) {
    return MesosJson.write(
        g -> {
          g.writeStartObject();
          g.writeArrayFieldStart("tasks");
          for (Map.Entry<SimAgent, SimTask> e : c.marathonTasks()) {
            task(g, c, e.getKey(), e.getValue());
          }
          g.writeEndArray();
          g.writeEndObject();
        });
  }

  private static void app(
      JsonGenerator g,
      SimCluster c,
      MarathonApp app,
      List<Map.Entry<SimAgent, SimTask>> tasks,
      boolean embedTasks)
      throws IOException {
    g.writeStartObject();
    g.writeStringField("id", app.id);
    g.writeStringField("cmd", "./serve --port $PORT0");
    g.writeNumberField("instances", app.instances);
    g.writeNumberField("cpus", app.cpus);
    g.writeNumberField("mem", app.memMb);
    g.writeNumberField("disk", app.diskMb);
    g.writeArrayFieldStart("portDefinitions");
    for (int port : app.servicePorts) {
      g.writeStartObject();
      g.writeNumberField("port", port);
      g.writeStringField("protocol", "tcp");
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeArrayFieldStart("healthChecks");
    if (app.healthChecks) {
      g.writeStartObject();
      g.writeStringField("path", "/health");
      g.writeStringField("protocol", "HTTP");
      g.writeNumberField("portIndex", 0);
      g.writeNumberField("gracePeriodSeconds", 15);
      g.writeNumberField("intervalSeconds", 10);
      g.writeNumberField("timeoutSeconds", 5);
      g.writeNumberField("maxConsecutiveFailures", 3);
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeObjectFieldStart("labels");
    for (Map.Entry<String, String> label : app.labels.entrySet()) {
      g.writeStringField(label.getKey(), label.getValue());
    }
    g.writeEndObject();
    g.writeStringField("version", app.version);
    int running = 0;
    int healthy = 0;
    int unhealthy = 0;
    for (Map.Entry<SimAgent, SimTask> e : tasks) {
      SimTask t = e.getValue();
      if (t.isRunning()) {
        running++;
        if (app.healthChecks && !blank(c, t)) {
          if (t.consecutiveFailures == 0) {
            healthy++;
          } else {
            unhealthy++;
          }
        }
      }
    }
    g.writeNumberField("tasksStaged", 0);
    g.writeNumberField("tasksRunning", running);
    g.writeNumberField("tasksHealthy", healthy);
    g.writeNumberField("tasksUnhealthy", unhealthy);
    g.writeArrayFieldStart("deployments");
    g.writeEndArray();
    if (embedTasks) {
      g.writeArrayFieldStart("tasks");
      for (Map.Entry<SimAgent, SimTask> e : tasks) {
        task(g, c, e.getKey(), e.getValue());
      }
      g.writeEndArray();
    }
    g.writeEndObject();
  }

  private static void task(JsonGenerator g, SimCluster c, SimAgent agent, SimTask t)
      throws IOException {
    g.writeStartObject();
    g.writeStringField("id", t.id);
    g.writeStringField("appId", t.app.id);
    g.writeStringField("host", agent.hostname);
    g.writeArrayFieldStart("ipAddresses");
    g.writeStartObject();
    g.writeStringField("ipAddress", agent.ip);
    g.writeStringField("protocol", "IPv4");
    g.writeEndObject();
    g.writeEndArray();
    g.writeArrayFieldStart("ports");
    for (int p : t.ports) {
      g.writeNumber(p);
    }
    g.writeEndArray();
    g.writeArrayFieldStart("servicePorts");
    for (int p : t.app.servicePorts) {
      g.writeNumber(p);
    }
    g.writeEndArray();
    g.writeStringField("slaveId", agent.id);
    g.writeStringField("stagedAt", t.stagedAt.toString());
    g.writeStringField("startedAt", t.startedAt.toString());
    g.writeStringField("state", t.state);
    g.writeStringField("version", t.app.version);
    if (t.app.healthChecks) {
      g.writeArrayFieldStart("healthCheckResults");
      if (blank(c, t)) {
        g.writeEndArray(); // after a Marathon failover: no results until the checks run again
        g.writeEndObject();
        return;
      }
      g.writeStartObject();
      g.writeBooleanField("alive", t.consecutiveFailures == 0);
      g.writeNumberField("consecutiveFailures", t.consecutiveFailures);
      g.writeStringField("firstSuccess", MesosJson.iso(t.firstSuccess));
      g.writeStringField("lastFailure", MesosJson.iso(t.lastFailure));
      g.writeStringField("lastSuccess", MesosJson.iso(t.lastSuccess));
      g.writeStringField("lastFailureCause", t.lastFailureCause);
      g.writeStringField("taskId", t.id);
      g.writeEndObject();
      g.writeEndArray();
    }
    g.writeEndObject();
  }

  private static boolean blank(SimCluster c, SimTask t) {
    Instant until = t.healthBlankUntil;
    return until != null && c.now().isBefore(until);
  }
}
