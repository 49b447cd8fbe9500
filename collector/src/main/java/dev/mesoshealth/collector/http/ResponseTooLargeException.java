package dev.mesoshealth.collector.http;

import java.io.IOException;

/** A response body beyond the configured maximum; reading stopped there. */
final class ResponseTooLargeException extends IOException {
  private static final long serialVersionUID = 1L;

  ResponseTooLargeException(long max) {
    super("response larger than " + max + " bytes");
  }
}
