package dev.mesoshealth.updaters.haproxy;

/** One Runtime API command the plan calls for, with why. */
public sealed interface Action {
  String command();

  String why();

  /** For metrics: ready, drain, maint or addr. */
  String kind();

  /** {@code set server <backend>/<server> state ready|drain|maint}. */
  record SetState(ServerState server, AdminState to, String why) implements Action {
    @Override
    public String command() {
      return "set server " + server.id() + " state " + to.command();
    }

    @Override
    public String kind() {
      return to.command();
    }
  }

  /** {@code set server <backend>/<server> addr <ip> port <port>}: fills a free slot. */
  record SetAddress(ServerState server, String ip, int port, String why) implements Action {
    @Override
    public String command() {
      return "set server " + server.id() + " addr " + ip + " port " + port;
    }

    @Override
    public String kind() {
      return "addr";
    }
  }
}
