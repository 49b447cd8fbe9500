package dev.mesoshealth.collector.core;

import dev.mesoshealth.events.Outcome;
import java.time.Duration;

/** What one HTTP poll produced: a response body, or a classified failure. */
public sealed interface PollResult {

  Duration took();

  /**
   * A response with a 2xx or 3xx status.
   *
   * @param location the Location header of a redirect, or null
   */
  record Response(int status, byte[] body, String location, Duration took) implements PollResult {}

  /**
   * No usable response: the connection failed, timed out, the status was an error, or the body was
   * too large.
   *
   * @param status the HTTP status when one arrived, else null
   */
  record Failure(Outcome outcome, Integer status, String error, Duration took)
      implements PollResult {}
}
