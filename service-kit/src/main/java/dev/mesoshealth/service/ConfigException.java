package dev.mesoshealth.service;

/** A configuration problem, with a message that names the key and where it came from. */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }
}
