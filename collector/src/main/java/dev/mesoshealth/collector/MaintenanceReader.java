package dev.mesoshealth.collector;

import dev.mesoshealth.collector.core.InvalidResponseException;
import dev.mesoshealth.collector.core.MaintenanceParser;
import dev.mesoshealth.collector.core.PollResult;
import dev.mesoshealth.collector.http.MesosClient;
import dev.mesoshealth.events.AgentInventory;
import java.net.URI;
import java.util.concurrent.CompletableFuture;

/**
 * The leader's maintenance schedule and status, read with each inventory round, and each agent
 * marked with its machine's window.
 */
final class MaintenanceReader {
  private final MesosClient http;
  private final long maxBytes;
  private final Outages outages;

  MaintenanceReader(MesosClient http, long maxBytes, Outages outages) {
    this.http = http;
    this.maxBytes = maxBytes;
    this.outages = outages;
  }

  /**
   * The schedule; none when the master has no maintenance endpoints or they fail (the inventory
   * goes on without them, and says so once).
   */
  CompletableFuture<MaintenanceParser.Schedule> read(URI lead) {
    CompletableFuture<PollResult> schedule =
        http.get(lead.resolve("/maintenance/schedule"), maxBytes);
    CompletableFuture<PollResult> status = http.get(lead.resolve("/maintenance/status"), maxBytes);
    return schedule.thenCombine(
        status,
        (s, t) -> {
          if (s instanceof PollResult.Response sr
              && sr.status() == 200
              && t instanceof PollResult.Response tr
              && tr.status() == 200) {
            try {
              MaintenanceParser.Schedule parsed = MaintenanceParser.parse(sr.body(), tr.body());
              outages.up("maintenance", "maintenance schedule readable again");
              return parsed;
            } catch (InvalidResponseException e) {
              outages.down("maintenance", "/maintenance/schedule is invalid: " + e.getMessage());
              return MaintenanceParser.NONE;
            }
          }
          outages.down(
              "maintenance",
              "cannot read "
                  + lead.resolve("/maintenance/schedule")
                  + " and /maintenance/status: agents are judged without maintenance windows");
          return MaintenanceParser.NONE;
        });
  }

  /** Marks the agent with its machine's maintenance window, if it has one. */
  static AgentInventory mark(AgentInventory a, MaintenanceParser.Schedule maintenance) {
    String address = a.getAddress();
    String ip =
        address == null || address.indexOf(':') < 0
            ? address
            : address.substring(0, address.lastIndexOf(':'));
    MaintenanceParser.Entry m = maintenance.lookup(a.getHostname(), ip);
    a.setMaintenanceMode(m == null ? null : m.mode());
    a.setMaintenanceStart(m == null ? null : m.start());
    a.setMaintenanceEnd(m == null ? null : m.end());
    return a;
  }
}
