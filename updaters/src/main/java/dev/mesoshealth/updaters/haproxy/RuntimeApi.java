package dev.mesoshealth.updaters.haproxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * HAProxy's Runtime API over its admin socket: a Unix socket path ({@code /run/haproxy/admin.sock}
 * or {@code unix@/path}) or TCP ({@code ipv4@host:port}, {@code host:port}). One command per
 * connection, as in non-interactive mode, each with a deadline. It is known by a name in errors
 * (its admin socket grants full control of HAProxy, so its address is kept out of logs).
 */
public final class RuntimeApi implements Haproxy {
  private final String name;
  private final SocketAddress socket;
  private final Duration timeout;

  public RuntimeApi(String name, String address, Duration timeout) {
    this.name = name;
    this.socket = parse(address);
    this.timeout = timeout;
  }

  public RuntimeApi(String address, Duration timeout) {
    this("HAProxy", address, timeout);
  }

  static SocketAddress parse(String address) {
    String a = address.trim();
    if (a.startsWith("unix@")) {
      return UnixDomainSocketAddress.of(Path.of(a.substring(5)));
    }
    if (a.startsWith("/")) {
      return UnixDomainSocketAddress.of(Path.of(a));
    }
    String hostPort = a.startsWith("ipv4@") || a.startsWith("ipv6@") ? a.substring(5) : a;
    int colon = hostPort.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException(
          "HAProxy admin socket '"
              + address
              + "' is neither a path (/run/haproxy/admin.sock) nor ipv4@host:port");
    }
    try {
      return InetSocketAddress.createUnresolved(
          hostPort.substring(0, colon).replace("[", "").replace("]", ""),
          Integer.parseInt(hostPort.substring(colon + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("HAProxy admin socket '" + address + "': bad port");
    }
  }

  /** How logs and metrics call this HAProxy. */
  @Override
  public String name() {
    return name;
  }

  /** {@code show servers state}: every server of every backend. */
  @Override
  public List<ServerState> servers() throws IOException {
    return parseServersState(call("show servers state"));
  }

  /** Runs one command; throws with HAProxy's answer when it refuses. */
  @Override
  public List<Action> apply(List<Action> actions) throws IOException {
    for (Action a : actions) {
      apply(a);
    }
    return actions;
  }

  public void apply(Action action) throws IOException {
    String answer = call(action.command()).trim();
    boolean ok =
        action instanceof Action.SetAddress
            ? answer.isEmpty()
                || answer.startsWith("IP changed")
                || answer.startsWith("no need to change")
                || answer.startsWith("nothing changed")
                || answer.startsWith("port changed")
            : answer.isEmpty();
    if (!ok) {
      throw new IOException(name + " refused '" + action.command() + "': " + answer);
    }
  }

  static List<ServerState> parseServersState(String text) throws IOException {
    String[] lines = text.split("\n");
    if (lines.length < 2 || !lines[0].trim().equals("1")) {
      throw new IOException(
          "unexpected answer to 'show servers state' (format "
              + (lines.length == 0 ? "?" : lines[0].trim())
              + ", expected 1)");
    }
    Map<String, Integer> column = new HashMap<>();
    String[] header = lines[1].replaceFirst("^#\\s*", "").trim().split("\\s+");
    for (int i = 0; i < header.length; i++) {
      column.put(header[i], i);
    }
    for (String needed :
        List.of("be_name", "srv_name", "srv_addr", "srv_admin_state", "srv_port")) {
      if (!column.containsKey(needed)) {
        throw new IOException("'show servers state' has no column " + needed);
      }
    }
    List<ServerState> servers = new ArrayList<>();
    for (int i = 2; i < lines.length; i++) {
      String line = lines[i].trim();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\\s+");
      try {
        servers.add(
            new ServerState(
                f[column.get("be_name")],
                f[column.get("srv_name")],
                f[column.get("srv_addr")],
                Integer.parseInt(f[column.get("srv_port")]),
                AdminState.fromBits(Integer.parseInt(f[column.get("srv_admin_state")]))));
      } catch (RuntimeException e) {
        throw new IOException("unreadable line " + (i + 1) + " of 'show servers state': " + line);
      }
    }
    return servers;
  }

  private String call(String command) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    SocketAddress target =
        socket instanceof InetSocketAddress inet && inet.isUnresolved()
            ? new InetSocketAddress(inet.getHostString(), inet.getPort())
            : socket;
    try (SocketChannel ch =
            SocketChannel.open(
                target instanceof UnixDomainSocketAddress
                    ? StandardProtocolFamily.UNIX
                    : ((InetSocketAddress) target).getAddress() instanceof java.net.Inet6Address
                        ? StandardProtocolFamily.INET6
                        : StandardProtocolFamily.INET);
        Selector selector = Selector.open()) {
      ch.configureBlocking(false);
      if (!ch.connect(target)) {
        ch.register(selector, SelectionKey.OP_CONNECT);
        await(selector, deadline, command);
        ch.finishConnect();
      }
      ByteBuffer out = ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.UTF_8));
      ch.register(selector, SelectionKey.OP_WRITE);
      while (out.hasRemaining()) {
        await(selector, deadline, command);
        ch.write(out);
      }
      ch.register(selector, SelectionKey.OP_READ);
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      ByteBuffer in = ByteBuffer.allocate(64 * 1024);
      while (true) {
        await(selector, deadline, command);
        int n = ch.read(in);
        if (n < 0) {
          break; // HAProxy closes the connection after answering one command
        }
        answer.write(in.array(), 0, in.position());
        in.clear();
      }
      return answer.toString(StandardCharsets.UTF_8);
    }
  }

  private void await(Selector selector, long deadline, String command) throws IOException {
    long left = (deadline - System.nanoTime()) / 1_000_000;
    if (left <= 0 || selector.select(left) == 0) {
      throw new IOException(name + " did not answer '" + command + "' within " + timeout);
    }
    selector.selectedKeys().clear();
  }
}
