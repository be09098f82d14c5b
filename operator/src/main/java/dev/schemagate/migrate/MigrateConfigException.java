package dev.schemagate.migrate;

/** {@code schemagate migrate} is configured wrongly; the message names the option or variable. */
public final class MigrateConfigException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public MigrateConfigException(String message) {
    super(message);
  }
}
