package dev.mesoshealth.sim.http;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/** What the server does with a request: answer now, answer later, or never answer. */
public sealed interface Reply {

  /** A complete response. */
  record Response(int status, String contentType, byte[] body, Map<String, String> headers)
      implements Reply {}

  /** The response, sent after a delay (a slow node). */
  record Delayed(Duration delay, Response response) implements Reply {}

  /** Accept the request and never answer (a hung node). */
  record Never() implements Reply {}

  /**
   * A response whose body never ends (chunked): {@code open} gets the sink once the head is sent,
   * and sends chunks as they come, as the Operator API's event stream does.
   */
  record Stream(String contentType, java.util.function.Consumer<Sink> open) implements Reply {}

  /** Where a streamed body goes; thread-safe. */
  interface Sink {
    /** Queues a chunk; false once the client has gone (then stop sending). */
    boolean send(byte[] chunk);

    /** Ends the stream and closes the connection. */
    void close();
  }

  static Response json(byte[] body) {
    return new Response(200, "application/json", body, Map.of());
  }

  static Response status(int status, String text) {
    return new Response(
        status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  static Response redirect(int status, String location) {
    return new Response(status, "text/plain", new byte[0], Map.of("Location", location));
  }
}
