package dev.mesoshealth.collector.http;

import dev.mesoshealth.collector.core.PollResult;
import dev.mesoshealth.events.Outcome;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/** What a failed exchange means for a poll, whichever client failed it. */
final class Failures {
  private Failures() {}

  static PollResult.Failure of(Throwable error, Duration took, long maxBytes, Duration timeout) {
    Throwable e = unwrap(error);
    if (e instanceof ResponseTooLargeException) {
      return new PollResult.Failure(
          Outcome.INVALID, 200, "response larger than " + maxBytes + " bytes", took);
    }
    // the JDK client's connect deadline, and Jetty's ("Connect Timeout")
    if (e instanceof HttpConnectTimeoutException || e instanceof SocketTimeoutException) {
      return new PollResult.Failure(Outcome.UNREACHABLE, null, "connect timed out", took);
    }
    if (e instanceof HttpTimeoutException || e instanceof TimeoutException) {
      return new PollResult.Failure(
          Outcome.TIMEOUT, null, "no complete answer within " + timeout.toMillis() + " ms", took);
    }
    if (hasCause(e, ConnectException.class)) {
      return new PollResult.Failure(Outcome.UNREACHABLE, null, "connection refused", took);
    }
    if (hasCause(e, SSLException.class)) {
      return new PollResult.Failure(
          Outcome.UNREACHABLE, null, "TLS failed: " + e.getMessage(), took);
    }
    if (e instanceof IOException) {
      return new PollResult.Failure(
          Outcome.UNREACHABLE, null, "connection failed: " + e.getMessage(), took);
    }
    return new PollResult.Failure(Outcome.UNREACHABLE, null, "request failed: " + e, took);
  }

  private static Throwable unwrap(Throwable t) {
    Throwable e = t;
    while ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
    for (Throwable e = t; e != null; e = e.getCause() == e ? null : e.getCause()) {
      if (type.isInstance(e)) {
        return true;
      }
    }
    return false;
  }
}
