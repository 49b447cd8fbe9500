package dev.mesoshealth.collector.http;

import dev.mesoshealth.collector.core.PollResult;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** Fetches one Mesos or Marathon URL; the future never fails: failures are PollResults too. */
public interface MesosClient {
  CompletableFuture<PollResult> get(URI uri, long maxBytes);

  /** As {@link #get(URI, long)}, within {@code timeout} instead of the client's own deadline. */
  default CompletableFuture<PollResult> get(URI uri, long maxBytes, Duration timeout) {
    return get(uri, maxBytes);
  }

  /** What ended an event stream: its HTTP status (0 when none came), a redirect, and why. */
  record StreamEnd(int status, String location, String error) {}

  /**
   * POSTs a call whose answer is a stream of RecordIO records (the Operator API's SUBSCRIBE) and
   * hands each record to {@code onRecord}, on the calling thread, until the stream ends, nothing
   * comes for {@code idleTimeout}, or {@code onRecord} throws. Blocks until then.
   */
  default StreamEnd stream(
      URI uri, byte[] call, Duration idleTimeout, java.util.function.Consumer<byte[]> onRecord) {
    return new StreamEnd(0, null, "this client does not stream");
  }
}
