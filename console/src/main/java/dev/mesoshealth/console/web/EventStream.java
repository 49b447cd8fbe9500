package dev.mesoshealth.console.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import dev.mesoshealth.console.model.ConsoleModel;
import dev.mesoshealth.console.model.ConsoleViews;
import dev.mesoshealth.service.AdminServer;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live view as server-sent events. A browser that connects gets the full view ("snapshot"),
 * then the model's changes in batches ("delta") and a heartbeat. Taking the snapshot and joining
 * the audience happen under the model's lock, and batches are drained under it too, so no change
 * falls between the two. A console that has just started has not read the topics yet: a browser
 * that connects then waits, with no event, until the feed has caught up, rather than be shown a
 * half-read view as live (its page keeps saying it is disconnected meanwhile); if Kafka does not
 * answer, it gets what there is, with the "feed" event that says so. A browser that cannot keep up
 * is disconnected (it reconnects and starts again from a fresh snapshot) rather than shown stale
 * data; each has its own writer thread and a bounded queue, so one slow browser never holds up the
 * others. Whether the console still hears from Kafka is sent as a "feed" event on connect and
 * whenever it changes, so the page can say that its view stopped being live even though the
 * browser's own connection is fine.
 */
public final class EventStream implements AdminServer.StreamHandler, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EventStream.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int QUEUE = 64;

  /** A named event (not a comment) so the page can tell a quiet stream from a dead one. */
  private static final byte[] HEARTBEAT =
      "event: heartbeat\ndata: {}\n\n".getBytes(StandardCharsets.UTF_8);

  /** A comment, which the page does not see: a waiting browser that went away is found by it. */
  private static final byte[] STILL_WAITING =
      ": waiting for the feed to catch up\n\n".getBytes(StandardCharsets.UTF_8);

  private final ConsoleModel model;
  private final Object lock;
  private final int maxClients;
  private final BooleanSupplier kafkaReachableNow;
  private final BooleanSupplier caughtUp;
  private final Supplier<Instant> lastHeardFromKafka;
  private volatile boolean kafkaReachable = true;
  private final List<Client> clients = new CopyOnWriteArrayList<>();
  // connected before the feed caught up: they get their snapshot once it has
  private final List<Client> waiting = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService ticker =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "console-events");
            t.setDaemon(true);
            return t;
          });

  public EventStream(
      ConsoleModel model,
      Object lock,
      BooleanSupplier kafkaReachableNow,
      Supplier<Instant> lastHeardFromKafka,
      BooleanSupplier caughtUp,
      int maxClients,
      Duration batchInterval,
      PrometheusRegistry registry) {
    this.model = model;
    this.lock = lock;
    this.kafkaReachableNow = kafkaReachableNow;
    this.lastHeardFromKafka = lastHeardFromKafka;
    this.caughtUp = caughtUp;
    this.maxClients = maxClients;
    GaugeWithCallback.builder()
        .name("mesos_health_console_clients")
        .help("Browsers connected to the live event stream.")
        .callback(cb -> cb.call(clients()))
        .register(registry);
    ticker.scheduleWithFixedDelay(
        this::broadcastChanges,
        batchInterval.toMillis(),
        batchInterval.toMillis(),
        TimeUnit.MILLISECONDS);
    ticker.scheduleWithFixedDelay(this::heartbeat, 5, 5, TimeUnit.SECONDS);
    ticker.scheduleWithFixedDelay(this::checkFeed, 1, 1, TimeUnit.SECONDS);
  }

  @Override
  public void open(HttpExchange ex) throws IOException {
    if (clients() >= maxClients) {
      byte[] body =
          ("{\"error\":\"too many live viewers (" + maxClients + "); retry later\",\"status\":503}")
              .getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.getResponseHeaders().set("Retry-After", "10");
      ex.sendResponseHeaders(503, body.length);
      try (ex;
          OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
      return;
    }
    ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    ex.getResponseHeaders().set("X-Accel-Buffering", "no");
    ex.sendResponseHeaders(200, 0);
    Client client = new Client(ex);
    synchronized (lock) {
      if (mayJoin()) {
        join(client);
      } else {
        waiting.add(client);
      }
    }
    client.start();
  }

  /** Browsers connected now, those still waiting for the feed to catch up included. */
  public int clients() {
    return clients.size() + waiting.size();
  }

  /** Whether a browser may have the view: it is whole, or as whole as it gets without Kafka. */
  private boolean mayJoin() {
    return caughtUp.getAsBoolean() || !kafkaReachable;
  }

  /** Under the lock: the full view now, then every change after it. */
  private void join(Client client) {
    if (!client.open) {
      return; // it left while it waited
    }
    client.offer(event("snapshot", model.fullView()));
    client.offer(feedEvent(kafkaReachable));
    clients.add(client);
  }

  private void broadcastChanges() {
    try {
      synchronized (lock) {
        if (model.hasChanges()) {
          byte[] delta = event("delta", model.drainChanges());
          for (Client c : clients) {
            if (!c.offer(delta)) {
              log.info("a browser fell behind the live view; disconnecting it to resynchronise");
              c.close();
            }
          }
        }
        // after the drain: a snapshot taken now holds every change drained so far
        if (!waiting.isEmpty() && mayJoin()) {
          for (Client c : waiting) {
            waiting.remove(c);
            join(c);
          }
        }
      }
    } catch (RuntimeException e) {
      log.warn("could not send live changes: {}", e.toString());
    }
  }

  private void checkFeed() {
    boolean reachable = kafkaReachableNow.getAsBoolean();
    if (reachable == kafkaReachable) {
      return;
    }
    synchronized (lock) {
      kafkaReachable = reachable;
      byte[] e = feedEvent(reachable);
      clients.forEach(c -> c.offer(e));
    }
    if (reachable) {
      log.info("Kafka answers again; the live view is live again");
    } else {
      log.warn(
          "no answer from Kafka since {}; telling viewers the view is not live",
          lastHeardFromKafka.get());
    }
  }

  private byte[] feedEvent(boolean reachable) {
    return event("feed", new ConsoleViews.Feed(reachable, lastHeardFromKafka.get().toString()));
  }

  private void heartbeat() {
    for (Client c : clients) {
      c.offer(HEARTBEAT);
    }
    for (Client c : waiting) {
      c.offer(STILL_WAITING);
    }
  }

  private static byte[] event(String name, Object data) {
    try {
      return ("event: " + name + "\ndata: " + JSON.writeValueAsString(data) + "\n\n")
          .getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    for (Client c : clients) {
      c.close();
    }
    for (Client c : waiting) {
      c.close();
    }
  }

  /** One connected browser: a bounded queue drained by its own writer thread. */
  private final class Client {
    private final HttpExchange exchange;
    private final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(QUEUE);
    private final Thread writer;
    private volatile boolean open = true;

    Client(HttpExchange exchange) {
      this.exchange = exchange;
      this.writer = new Thread(this::write, "console-viewer-" + exchange.getRemoteAddress());
      this.writer.setDaemon(true);
    }

    void start() {
      writer.start();
    }

    boolean offer(byte[] bytes) {
      return open && queue.offer(bytes);
    }

    private void write() {
      try (OutputStream out = exchange.getResponseBody()) {
        while (open) {
          byte[] next = queue.take();
          out.write(next);
          out.flush();
        }
      } catch (IOException | InterruptedException e) {
        // the browser went away, or we are closing
      } finally {
        close();
      }
    }

    void close() {
      open = false;
      clients.remove(this);
      waiting.remove(this);
      writer.interrupt();
      exchange.close();
    }
  }
}
