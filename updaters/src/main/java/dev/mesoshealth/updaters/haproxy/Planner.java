package dev.mesoshealth.updaters.haproxy;

import dev.mesoshealth.events.EndpointStatus;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Plans the Runtime API commands that bring one HAProxy's servers to what the endpoints say. Pure:
 * the live servers and the desired endpoints in, the commands (and what it would not do) out.
 *
 * <ul>
 *   <li>Only backends some endpoint has named are touched; others are not ours.
 *   <li>A server whose address:port is an endpoint's follows it: UP ready, DRAIN drain, DOWN maint.
 *   <li>A server whose address no endpoint has any more (the task ended) goes to maint.
 *   <li>An UP endpoint without a server takes a free slot (a server-template server never given an
 *       address, or one in maint that no endpoint uses): address, then ready. Without a free slot
 *       it is reported, not forced.
 *   <li>No plan takes more than {@code maxOutShare} of a backend's live servers out of rotation:
 *       removals beyond that are held (the most severe, DOWN, go first).
 *   <li>While the health of the cluster is in doubt (the collector is suspect), nothing changes.
 * </ul>
 */
public final class Planner {
  private final double maxOutShare;

  public Planner(double maxOutShare) {
    this.maxOutShare = maxOutShare;
  }

  /** What one reconcile decided. */
  public record Plan(
      List<Action> actions, List<String> held, List<String> withoutSlot, boolean frozen) {
    static Plan unchanged() {
      return new Plan(List.of(), List.of(), List.of(), true);
    }
  }

  /**
   * @param managed backend names endpoints have named (now or since the updater started)
   * @param frozen true while a cluster's collector is suspect
   */
  public Plan plan(
      List<ServerState> live,
      Collection<DesiredEndpoint> desired,
      Set<String> managed,
      boolean frozen) {
    if (frozen) {
      return Plan.unchanged();
    }
    Map<String, List<ServerState>> byBackend = new TreeMap<>();
    for (ServerState s : live) {
      if (managed.contains(s.backend())) {
        byBackend.computeIfAbsent(s.backend(), b -> new ArrayList<>()).add(s);
      }
    }
    Map<String, List<DesiredEndpoint>> wanted = new HashMap<>();
    for (DesiredEndpoint e : desired) {
      wanted.computeIfAbsent(e.backend(), b -> new ArrayList<>()).add(e);
    }
    List<Action> actions = new ArrayList<>();
    List<String> held = new ArrayList<>();
    List<String> withoutSlot = new ArrayList<>();
    byBackend.forEach(
        (backend, servers) ->
            planBackend(
                servers, wanted.getOrDefault(backend, List.of()), actions, held, withoutSlot));
    return new Plan(List.copyOf(actions), List.copyOf(held), List.copyOf(withoutSlot), false);
  }

  private void planBackend(
      List<ServerState> servers,
      List<DesiredEndpoint> endpoints,
      List<Action> actions,
      List<String> held,
      List<String> withoutSlot) {
    servers = servers.stream().sorted(Comparator.comparing(ServerState::name)).toList();
    Map<String, DesiredEndpoint> byAddress = new LinkedHashMap<>();
    endpoints.stream()
        .sorted(Comparator.comparing(DesiredEndpoint::key))
        .forEach(e -> byAddress.putIfAbsent(e.addressAndPort(), e));

    // each live server: the state its endpoint wants, or maint when no endpoint is there any more
    Map<ServerState, DesiredEndpoint> matched = new LinkedHashMap<>();
    List<ServerState> free = new ArrayList<>();
    for (ServerState s : servers) {
      DesiredEndpoint e = s.unset() ? null : byAddress.get(s.addressAndPort());
      if (e != null) {
        matched.put(s, e);
      } else if (s.unset() || s.state() == AdminState.MAINT) {
        free.add(s);
      } else {
        actions.add(
            new Action.SetState(
                s, AdminState.MAINT, "no task at " + s.addressAndPort() + " any more"));
        free.add(s);
      }
    }

    // new endpoints take free slots; a drained or down endpoint needs no slot
    List<DesiredEndpoint> placed = new ArrayList<>();
    for (DesiredEndpoint e : byAddress.values()) {
      if (matched.containsValue(e) || e.status() != EndpointStatus.UP) {
        continue;
      }
      if (free.isEmpty()) {
        withoutSlot.add(e.backend() + ": " + e.key() + " at " + e.addressAndPort());
        continue;
      }
      ServerState slot = free.remove(0);
      actions.add(new Action.SetAddress(slot, e.ip(), e.port(), "new endpoint " + e.why()));
      actions.add(new Action.SetState(slot, AdminState.READY, "new endpoint " + e.why()));
      placed.add(e);
    }

    // the servers in use, and how many of them may be out of rotation at once
    int inUse = matched.size() + placed.size();
    int allowedOut = (int) Math.floor(maxOutShare * inUse);
    int out = 0;
    List<Map.Entry<ServerState, DesiredEndpoint>> removals = new ArrayList<>();
    for (Map.Entry<ServerState, DesiredEndpoint> m : matched.entrySet()) {
      AdminState now = m.getKey().state();
      AdminState want = m.getValue().adminState();
      if (want == AdminState.READY) {
        if (now != AdminState.READY) {
          actions.add(new Action.SetState(m.getKey(), want, m.getValue().why()));
        }
      } else if (now != AdminState.READY) {
        out++; // already out: stays out (perhaps drain <-> maint)
        if (now != want) {
          actions.add(new Action.SetState(m.getKey(), want, m.getValue().why()));
        }
      } else {
        removals.add(m);
      }
    }
    // DOWN before DRAIN, then by name: the surest removals go first
    removals.sort(
        Comparator.comparing(
                (Map.Entry<ServerState, DesiredEndpoint> m) -> m.getValue().adminState())
            .reversed()
            .thenComparing(m -> m.getKey().name()));
    for (Map.Entry<ServerState, DesiredEndpoint> m : removals) {
      if (out < allowedOut) {
        out++;
        actions.add(new Action.SetState(m.getKey(), m.getValue().adminState(), m.getValue().why()));
      } else {
        held.add(
            m.getKey().id()
                + " stays ready: "
                + out
                + " of "
                + inUse
                + " servers already out of rotation (limit "
                + Math.round(maxOutShare * 100)
                + "%); wanted "
                + m.getValue().adminState().command()
                + " for "
                + m.getValue().why());
      }
    }
  }
}
