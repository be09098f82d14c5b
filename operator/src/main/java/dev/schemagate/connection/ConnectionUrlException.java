package dev.schemagate.connection;

/**
 * A database URL that cannot be used. The message never contains the URL's secret parts: it may go
 * to status, Events and logs as it is.
 */
public class ConnectionUrlException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  public ConnectionUrlException(String message) {
    super(message);
  }
}
