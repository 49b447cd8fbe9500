package dev.mesoshealth.sim.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small non-blocking HTTP/1.1 server that serves many listening sockets from one selector thread,
 * so a single process can simulate tens of thousands of Mesos agents, each at its own address.
 * Handlers run on a small worker pool; a reply may be delayed (slow node) or never sent (hung
 * node). Closing a {@link Listener} makes its address refuse connections, as a dead node's does.
 * Keep-alive connections idle longer than the idle timeout are closed.
 */
public final class SimHttpServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SimHttpServer.class);
  private static final int MAX_HEAD_BYTES = 16 * 1024;
  private static final int MAX_BODY_BYTES = 1024 * 1024;
  private static final byte[] HEAD_END = {'\r', '\n', '\r', '\n'};
  private static final byte[] CRLF = {'\r', '\n'};
  private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

  /** Answers a request; must be thread-safe and quick. */
  public interface Handler {
    Reply handle(HttpRequest request);
  }

  private final Selector selector;
  private final Thread loopThread;
  private final ExecutorService workers;
  private final ScheduledExecutorService timers;
  private final Queue<Runnable> loopTasks = new ConcurrentLinkedQueue<>();
  private final long idleTimeoutNanos;
  private final Set<Connection> connections = new HashSet<>();
  private final AtomicLong requestsServed = new AtomicLong();
  private final Map<Integer, ServerSocketChannel> shared = new ConcurrentHashMap<>();
  private final Map<InetSocketAddress, Listener> sharedRoutes = new ConcurrentHashMap<>();
  private static final Object SHARED = new Object();
  private volatile boolean running = true;
  private boolean warnedForeign;

  public SimHttpServer(String name, int workerThreads, Duration idleTimeout) throws IOException {
    this.selector = Selector.open();
    this.idleTimeoutNanos = idleTimeout.toNanos();
    this.workers = Executors.newFixedThreadPool(workerThreads, daemon(name + "-worker"));
    this.timers = Executors.newSingleThreadScheduledExecutor(daemon(name + "-timer"));
    this.loopThread = new Thread(this::loop, name + "-selector");
    loopThread.setDaemon(true);
    loopThread.start();
  }

  /** Requests answered so far (any status). */
  public long requestsServed() {
    return requestsServed.get();
  }

  /**
   * Serves the address from a socket shared by every address with its port (see {@link
   * #shareAllInterfaces}) instead of a socket of its own: no file descriptor per address.
   */
  public Listener listenShared(InetSocketAddress address, Handler handler) throws IOException {
    if (shared.get(address.getPort()) == null) {
      throw new IllegalStateException("no shared socket on port " + address.getPort());
    }
    Listener listener = new Listener(address, handler, true);
    listener.open();
    return listener;
  }

  /**
   * Binds one socket to the port on all interfaces; connections to it are routed by the loopback
   * address they were made to ({@link #listenShared}). Connections from any other address, and to
   * an address nobody serves (or one that is closed), are reset at once. Port 0 binds any free
   * port; returns the port bound.
   */
  public int shareAllInterfaces(int port) throws IOException {
    ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.INET);
    ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
    try {
      ch.bind(new InetSocketAddress("0.0.0.0", port), 4096);
    } catch (IOException e) {
      closeQuietly(ch);
      throw new IOException("cannot listen on 0.0.0.0:" + port + ": " + e.getMessage(), e);
    }
    ch.configureBlocking(false);
    int bound = ((InetSocketAddress) ch.getLocalAddress()).getPort();
    shared.put(bound, ch);
    runOnLoop(
        () -> {
          try {
            ch.register(selector, SelectionKey.OP_ACCEPT, SHARED);
          } catch (ClosedChannelException e) {
            // closed before registration
          }
        });
    return bound;
  }

  /** Binds an address (port 0 picks one) and serves it with the handler. */
  public Listener listen(InetSocketAddress address, Handler handler) throws IOException {
    Listener listener = new Listener(address, handler);
    listener.open();
    return listener;
  }

  @Override
  public void close() {
    running = false;
    selector.wakeup();
    try {
      loopThread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    workers.shutdownNow();
    timers.shutdownNow();
    for (SelectionKey key : selector.keys()) {
      closeQuietly(key.channel());
    }
    closeQuietly(selector);
  }

  /** One listening address. Closing it makes the address refuse connections until reopened. */
  public final class Listener {
    private final Handler handler;
    private final boolean onSharedSocket;
    private volatile InetSocketAddress address;
    private ServerSocketChannel channel;
    private boolean routed;

    private Listener(InetSocketAddress address, Handler handler) {
      this(address, handler, false);
    }

    private Listener(InetSocketAddress address, Handler handler, boolean onSharedSocket) {
      this.address = address;
      this.handler = handler;
      this.onSharedSocket = onSharedSocket;
    }

    public InetSocketAddress address() {
      return address;
    }

    public synchronized boolean isOpen() {
      return onSharedSocket ? routed : channel != null;
    }

    /** Binds again at the same address (after {@link #close()}). */
    public synchronized void open() throws IOException {
      if (onSharedSocket) {
        routed = true;
        sharedRoutes.put(address, this);
        return;
      }
      if (channel != null) {
        return;
      }
      ServerSocketChannel ch = ServerSocketChannel.open();
      ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      try {
        ch.bind(address, 1024);
      } catch (IOException e) {
        closeQuietly(ch);
        throw new IOException("cannot listen on " + address + ": " + e.getMessage(), e);
      }
      ch.configureBlocking(false);
      address = (InetSocketAddress) ch.getLocalAddress();
      channel = ch;
      runOnLoop(
          () -> {
            try {
              ch.register(selector, SelectionKey.OP_ACCEPT, this);
            } catch (ClosedChannelException e) {
              // closed again before registration: nothing to serve
            }
          });
    }

    /**
     * Stops listening and drops this listener's connections: clients see connection refused (on a
     * shared socket: the connection is reset once accepted).
     */
    public synchronized void close() {
      if (onSharedSocket) {
        if (!routed) {
          return;
        }
        routed = false;
        sharedRoutes.remove(address, this);
      } else {
        ServerSocketChannel ch = channel;
        channel = null;
        if (ch == null) {
          return;
        }
        closeQuietly(ch);
      }
      runOnLoop(
          () -> {
            for (Connection c : Set.copyOf(connections)) {
              if (c.listener == this) {
                c.close();
              }
            }
          });
    }
  }

  private void runOnLoop(Runnable task) {
    loopTasks.add(task);
    selector.wakeup();
  }

  private void loop() {
    long lastSweep = System.nanoTime();
    while (running) {
      try {
        selector.select(1_000);
        Runnable task;
        while ((task = loopTasks.poll()) != null) {
          task.run();
        }
        Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
        while (keys.hasNext()) {
          SelectionKey key = keys.next();
          keys.remove();
          handleKey(key);
        }
        long now = System.nanoTime();
        if (now - lastSweep > 2_000_000_000L) {
          lastSweep = now;
          closeIdle(now);
        }
      } catch (IOException | RuntimeException e) {
        log.warn("simulator HTTP loop: {}", e.toString());
      }
    }
  }

  private void handleKey(SelectionKey key) {
    if (!key.isValid()) {
      return;
    }
    try {
      if (key.isAcceptable()) {
        accept(key);
      } else {
        Connection c = (Connection) key.attachment();
        if (key.isReadable()) {
          c.read();
        }
        if (key.isValid() && key.isWritable()) {
          c.write();
        }
      }
    } catch (IOException e) {
      if (key.attachment() instanceof Connection c) {
        c.close();
      }
    }
  }

  private void accept(SelectionKey key) throws IOException {
    ServerSocketChannel server = (ServerSocketChannel) key.channel();
    SocketChannel ch;
    while ((ch = server.accept()) != null) {
      Listener listener = key.attachment() == SHARED ? route(ch) : (Listener) key.attachment();
      if (listener == null) {
        continue;
      }
      ch.configureBlocking(false);
      ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
      Connection c = new Connection(ch, listener);
      c.key = ch.register(selector, SelectionKey.OP_READ, c);
      connections.add(c);
    }
  }

  /** The listener of the loopback address a shared-socket connection was made to, or a reset. */
  private Listener route(SocketChannel ch) {
    Listener listener = null;
    try {
      InetSocketAddress from = (InetSocketAddress) ch.getRemoteAddress();
      InetSocketAddress to = (InetSocketAddress) ch.getLocalAddress();
      if (from.getAddress().isLoopbackAddress()) {
        listener = sharedRoutes.get(to);
      } else if (!warnedForeign) {
        warnedForeign = true;
        log.warn("dropping a connection from {}: the simulator serves loopback only", from);
      }
      if (listener == null) {
        ch.setOption(StandardSocketOptions.SO_LINGER, 0); // reset, the nearest to a refusal
      }
    } catch (IOException e) {
      listener = null;
    }
    if (listener == null) {
      closeQuietly(ch);
    }
    return listener;
  }

  private void closeIdle(long now) {
    for (Connection c : Set.copyOf(connections)) {
      if (now - c.lastActivity > idleTimeoutNanos && !c.streaming) {
        c.close();
      }
    }
  }

  /** One client connection; all fields are touched on the selector thread only. */
  private final class Connection {
    final SocketChannel channel;
    final Listener listener;
    final InetSocketAddress local;
    SelectionKey key;
    ByteBuffer in = ByteBuffer.allocate(2048);
    final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
    boolean busy;
    boolean streaming;
    boolean closeAfterWrite;
    boolean closed;
    long lastActivity = System.nanoTime();

    Connection(SocketChannel channel, Listener listener) throws IOException {
      this.channel = channel;
      this.listener = listener;
      this.local = (InetSocketAddress) channel.getLocalAddress();
    }

    void read() throws IOException {
      if (!in.hasRemaining()) {
        if (in.capacity() >= MAX_HEAD_BYTES + MAX_BODY_BYTES) {
          respondAndClose(Reply.status(431, "request too large"));
          return;
        }
        ByteBuffer bigger = ByteBuffer.allocate(in.capacity() * 2);
        in.flip();
        bigger.put(in);
        in = bigger;
      }
      int n = channel.read(in);
      if (n < 0) {
        close();
        return;
      }
      lastActivity = System.nanoTime();
      if (!busy) {
        parseNext();
      }
    }

    void parseNext() {
      int headEnd = indexOf(in, HEAD_END);
      if (headEnd < 0) {
        if (in.position() > MAX_HEAD_BYTES) {
          respondAndClose(Reply.status(431, "request head too large"));
        }
        return;
      }
      String head = new String(in.array(), 0, headEnd, StandardCharsets.ISO_8859_1);
      String[] lines = head.split("\r\n");
      String[] requestLine = lines[0].split(" ");
      if (requestLine.length != 3 || !requestLine[2].startsWith("HTTP/1.")) {
        respondAndClose(Reply.status(400, "bad request line"));
        return;
      }
      Map<String, String> headers = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        if (colon > 0) {
          headers.put(
              lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
              lines[i].substring(colon + 1).trim());
        }
      }
      int bodyLength = 0;
      String contentLength = headers.get("content-length");
      if (contentLength != null) {
        try {
          bodyLength = Integer.parseInt(contentLength);
        } catch (NumberFormatException e) {
          respondAndClose(Reply.status(400, "bad content-length"));
          return;
        }
        if (bodyLength < 0 || bodyLength > MAX_BODY_BYTES) {
          respondAndClose(Reply.status(413, "body too large"));
          return;
        }
      }
      int total = headEnd + HEAD_END.length + bodyLength;
      if (in.position() < total) {
        return; // wait for the rest of the body
      }
      byte[] body = java.util.Arrays.copyOfRange(in.array(), headEnd + HEAD_END.length, total);
      // drop the consumed request from the buffer
      in.flip();
      in.position(total);
      in.compact();

      String target = requestLine[1];
      int q = target.indexOf('?');
      String path = q < 0 ? target : target.substring(0, q);
      String rawQuery = q < 0 ? "" : target.substring(q + 1);
      boolean keepAlive =
          requestLine[2].equals("HTTP/1.1")
              ? !"close".equalsIgnoreCase(headers.get("connection"))
              : "keep-alive".equalsIgnoreCase(headers.get("connection"));
      HttpRequest request =
          new HttpRequest(
              requestLine[0], path, HttpRequest.parseQuery(rawQuery), headers, local, body);
      busy = true;
      dispatch(request, keepAlive);
    }

    void dispatch(HttpRequest request, boolean keepAlive) {
      try {
        workers.execute(
            () -> {
              Reply reply;
              try {
                reply = listener.handler.handle(request);
              } catch (RuntimeException e) {
                log.warn("simulator handler failed for {}: {}", request.path(), e.toString());
                reply = Reply.status(500, "simulator error: " + e);
              }
              if (reply instanceof Reply.Response r) {
                runOnLoop(() -> send(r, keepAlive));
              } else if (reply instanceof Reply.Delayed d) {
                schedule(d.delay(), () -> runOnLoop(() -> send(d.response(), keepAlive)));
              } else if (reply instanceof Reply.Stream s) {
                runOnLoop(() -> startStream(s));
              }
              // Reply.Never: hung, keep the connection open and never answer
            });
      } catch (RejectedExecutionException e) {
        close();
      }
    }

    void send(Reply.Response r, boolean keepAlive) {
      if (closed) {
        return;
      }
      requestsServed.incrementAndGet();
      StringBuilder head = new StringBuilder(160);
      head.append("HTTP/1.1 ").append(r.status()).append(' ').append(reason(r.status()));
      head.append("\r\nContent-Type: ").append(r.contentType());
      head.append("\r\nContent-Length: ").append(r.body().length);
      for (Map.Entry<String, String> h : r.headers().entrySet()) {
        head.append("\r\n").append(h.getKey()).append(": ").append(h.getValue());
      }
      head.append(keepAlive ? "\r\n\r\n" : "\r\nConnection: close\r\n\r\n");
      out.add(ByteBuffer.wrap(head.toString().getBytes(StandardCharsets.ISO_8859_1)));
      out.add(ByteBuffer.wrap(r.body()));
      closeAfterWrite = !keepAlive;
      try {
        write();
      } catch (IOException e) {
        close();
      }
    }

    /** The head of a chunked response; then each chunk as the stream's source sends it. */
    void startStream(Reply.Stream s) {
      if (closed) {
        return;
      }
      requestsServed.incrementAndGet();
      streaming = true;
      String head =
          "HTTP/1.1 200 OK\r\nContent-Type: "
              + s.contentType()
              + "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
      out.add(ByteBuffer.wrap(head.getBytes(StandardCharsets.ISO_8859_1)));
      flush();
      s.open()
          .accept(
              new Reply.Sink() {
                @Override
                public boolean send(byte[] chunk) {
                  if (closed) {
                    return false;
                  }
                  byte[] size =
                      (Integer.toHexString(chunk.length) + "\r\n")
                          .getBytes(StandardCharsets.ISO_8859_1);
                  runOnLoop(
                      () -> {
                        if (!closed) {
                          out.add(ByteBuffer.wrap(size));
                          out.add(ByteBuffer.wrap(chunk));
                          out.add(ByteBuffer.wrap(CRLF));
                          flush();
                        }
                      });
                  return true;
                }

                @Override
                public void close() {
                  runOnLoop(
                      () -> {
                        out.add(ByteBuffer.wrap(LAST_CHUNK));
                        closeAfterWrite = true;
                        flush();
                      });
                }
              });
    }

    private void flush() {
      try {
        write();
      } catch (IOException e) {
        close();
      }
    }

    void write() throws IOException {
      while (!out.isEmpty()) {
        ByteBuffer b = out.peek();
        channel.write(b);
        if (b.hasRemaining()) {
          key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
          return;
        }
        out.poll();
      }
      lastActivity = System.nanoTime();
      if (closeAfterWrite) {
        close();
        return;
      }
      key.interestOps(SelectionKey.OP_READ);
      if (streaming) {
        return; // the stream owns the connection: no next request on it
      }
      busy = false;
      if (in.position() > 0) {
        parseNext();
      }
    }

    void respondAndClose(Reply.Response r) {
      busy = true;
      send(r, false);
    }

    void close() {
      if (closed) {
        return;
      }
      closed = true;
      connections.remove(this);
      if (key != null) {
        key.cancel();
      }
      closeQuietly(channel);
    }
  }

  private void schedule(Duration delay, Runnable task) {
    try {
      timers.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // shutting down
    }
  }

  private static int indexOf(ByteBuffer buffer, byte[] pattern) {
    byte[] a = buffer.array();
    int end = buffer.position() - pattern.length;
    outer:
    for (int i = 0; i <= end; i++) {
      for (int j = 0; j < pattern.length; j++) {
        if (a[i + j] != pattern[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 201 -> "Created";
      case 204 -> "No Content";
      case 307 -> "Temporary Redirect";
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 413 -> "Payload Too Large";
      case 431 -> "Request Header Fields Too Large";
      case 500 -> "Internal Server Error";
      case 503 -> "Service Unavailable";
      default -> "Status";
    };
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    AtomicLong n = new AtomicLong();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  private static void closeQuietly(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
