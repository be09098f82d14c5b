package dev.schemagate.gate;

/** The gate is configured wrongly; the message names the option or variable, never a value. */
public final class GateConfigException extends RuntimeException {

  public GateConfigException(String message) {
    super(message);
  }
}
