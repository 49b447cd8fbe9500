package dev.mesoshealth.collector.core;

/** A response body that is not what the endpoint should answer; the message says why. */
public final class InvalidResponseException extends Exception {
  private static final long serialVersionUID = 1L;

  public InvalidResponseException(String message) {
    super(message);
  }
}
