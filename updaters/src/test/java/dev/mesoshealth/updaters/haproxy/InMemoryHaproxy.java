package dev.mesoshealth.updaters.haproxy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** An HAProxy in memory for unit tests: the Runtime API's effect on its servers, or a refusal. */
final class InMemoryHaproxy implements Haproxy {
  private final String name;
  private final Map<String, ServerState> servers = new LinkedHashMap<>();
  private final List<String> commands = new ArrayList<>();
  private boolean away;

  InMemoryHaproxy(String name, List<ServerState> servers) {
    this.name = name;
    servers.forEach(s -> this.servers.put(s.id(), s));
  }

  @Override
  public String name() {
    return name;
  }

  /** From now on every call fails, as a dead admin socket does (or works again). */
  void away(boolean away) {
    this.away = away;
  }

  List<String> commands() {
    return commands;
  }

  ServerState server(String id) {
    return servers.get(id);
  }

  @Override
  public List<ServerState> servers() throws IOException {
    if (away) {
      throw new IOException(name + " is away");
    }
    return List.copyOf(servers.values());
  }

  @Override
  public List<Action> apply(List<Action> actions) throws IOException {
    for (Action a : actions) {
      if (away) {
        throw new IOException(name + " is away");
      }
      commands.add(a.command());
      if (a instanceof Action.SetState s) {
        servers.computeIfPresent(
            s.server().id(),
            (id, v) -> new ServerState(v.backend(), v.name(), v.address(), v.port(), s.to()));
      } else if (a instanceof Action.SetAddress s) {
        servers.computeIfPresent(
            s.server().id(),
            (id, v) -> new ServerState(v.backend(), v.name(), s.ip(), s.port(), v.state()));
      }
    }
    return actions;
  }
}
