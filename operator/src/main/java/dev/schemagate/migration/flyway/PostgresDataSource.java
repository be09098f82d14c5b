package dev.schemagate.migration.flyway;

import dev.schemagate.secrets.ConnectionParameters;
import dev.schemagate.secrets.PostgresConnectionInfo;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.Map;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Connections for Flyway: the credential-free JDBC URL plus user and password as driver properties,
 * so the password never appears in a URL (nor in the messages the driver builds from it), and the
 * URL's parameters as {@link ConnectionParameters} allows them.
 */
final class PostgresDataSource implements DataSource {

  /** Settings a database URL may override. */
  private static final Map<String, String> DRIVER_DEFAULTS =
      Map.of("ApplicationName", "schemagate migrate");

  private final PostgresConnectionInfo info;
  private final Duration timeout;

  PostgresDataSource(PostgresConnectionInfo info, Duration timeout) {
    this.info = info;
    this.timeout = timeout;
  }

  @Override
  public Connection getConnection() throws SQLException {
    return ConnectionParameters.connect(info, DRIVER_DEFAULTS, timeouts());
  }

  /**
   * Connecting and logging in are bounded by {@code --timeout}, and no database URL lifts that
   * ({@link ConnectionParameters}). Reading is not bounded by schemagate: a migration may
   * legitimately run for hours; a {@code socketTimeout} in the URL applies as given.
   */
  ConnectionParameters.Timeouts timeouts() {
    return new ConnectionParameters.Timeouts(timeout, timeout, null);
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    throw new SQLFeatureNotSupportedException("credentials come from the database URL");
  }

  @Override
  public PrintWriter getLogWriter() {
    return null;
  }

  @Override
  public void setLogWriter(PrintWriter out) {}

  @Override
  public void setLoginTimeout(int seconds) {}

  @Override
  public int getLoginTimeout() {
    return (int) timeout.toSeconds();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException();
  }

  @Override
  public <T> T unwrap(Class<T> type) throws SQLException {
    if (type.isInstance(this)) {
      return type.cast(this);
    }
    throw new SQLException("not a wrapper for " + type.getName());
  }

  @Override
  public boolean isWrapperFor(Class<?> type) {
    return type.isInstance(this);
  }

  /** Never shows the password. */
  @Override
  public String toString() {
    return "PostgresDataSource[" + info.displayUrl() + "]";
  }
}
