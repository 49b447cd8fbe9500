package dev.mesoshealth.collector;

import dev.mesoshealth.collector.core.InvalidResponseException;
import dev.mesoshealth.collector.core.OperatorEvents;
import dev.mesoshealth.collector.http.MesosClient;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the leading master's Operator API event stream (POST /api/v1 {"type":"SUBSCRIBE"}) on a
 * thread of its own, so an agent the master adds or removes is known at once instead of at the next
 * /master/slaves round. Follows a redirect to the leader, subscribes again after a leader change or
 * a broken or silent stream, and backs off from a master that has no Operator API.
 */
final class OperatorStream implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OperatorStream.class);
  private static final byte[] SUBSCRIBE =
      "{\"type\":\"SUBSCRIBE\"}".getBytes(StandardCharsets.US_ASCII);
  // Mesos sends a HEARTBEAT every 15 s: three missed ones mean the stream is dead
  private static final Duration SILENT = Duration.ofSeconds(45);
  private static final Duration UNSUPPORTED_RETRY = Duration.ofMinutes(5);

  /** What the stream tells the collector. */
  interface Listener {
    void subscribed(OperatorEvents.Subscribed state);

    void agentAdded(String agentId);

    void agentRemoved(String agentId);
  }

  private final MesosClient http;
  private final Supplier<CompletableFuture<Optional<URI>>> leader;
  private final Function<String, URI> redirected;
  private final Duration retry;
  private final Listener listener;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile boolean supported = true;

  /**
   * @param leader finds the leading master
   * @param redirected told a redirect's Location, learns the leader it names and returns its base
   * @param retry the pause before subscribing again
   */
  OperatorStream(
      MesosClient http,
      Supplier<CompletableFuture<Optional<URI>>> leader,
      Function<String, URI> redirected,
      Duration retry,
      Listener listener) {
    this.http = http;
    this.leader = leader;
    this.redirected = redirected;
    this.retry = retry;
    this.listener = listener;
    this.thread = new Thread(this::run, "operator-api-stream");
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Whether the last master asked offers the Operator API. */
  boolean supported() {
    return supported;
  }

  private void run() {
    URI target = null;
    while (running) {
      if (target == null) {
        target = leader.get().join().map(l -> l.resolve("/api/v1")).orElse(null);
        if (target == null) {
          pause(retry);
          continue;
        }
      }
      MesosClient.StreamEnd end;
      try {
        end = http.stream(target, SUBSCRIBE, SILENT, this::handle);
      } catch (RuntimeException e) {
        end = new MesosClient.StreamEnd(0, null, e.toString());
      }
      if (!running) {
        return;
      }
      if (end.status() == 307 && end.location() != null) {
        target = redirected.apply(end.location()).resolve("/api/v1");
        continue;
      }
      if (end.status() == 404 || end.status() == 405 || end.status() == 501) {
        if (supported) {
          log.info(
              "{} has no Operator API (HTTP {}): agent changes come from /master/slaves only;"
                  + " asking again in {} min",
              target,
              end.status(),
              UNSUPPORTED_RETRY.toMinutes());
        }
        supported = false;
        target = null;
        pause(UNSUPPORTED_RETRY);
        continue;
      }
      supported = true;
      log.info("Operator API stream from {} ended ({}); subscribing again", target, end.error());
      target = null;
      pause(retry);
    }
  }

  private void handle(byte[] record) {
    if (!running) {
      throw new java.util.concurrent.CancellationException("closed");
    }
    OperatorEvents.Event event;
    try {
      event = OperatorEvents.parse(record);
    } catch (InvalidResponseException e) {
      log.warn("Operator API: skipped an event: {}", e.getMessage());
      return;
    }
    if (event instanceof OperatorEvents.Subscribed s) {
      listener.subscribed(s);
    } else if (event instanceof OperatorEvents.AgentAdded a) {
      listener.agentAdded(a.agentId());
    } else if (event instanceof OperatorEvents.AgentRemoved r) {
      listener.agentRemoved(r.agentId());
    }
    // HEARTBEAT keeps the stream alive; task and framework events: the reconcile covers them
  }

  private synchronized void pause(Duration d) {
    long until = System.nanoTime() + d.toNanos();
    while (running) {
      long left = until - System.nanoTime();
      if (left <= 0) {
        return;
      }
      try {
        wait(Math.max(1, left / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Override
  public synchronized void close() {
    running = false;
    notifyAll();
  }
}
