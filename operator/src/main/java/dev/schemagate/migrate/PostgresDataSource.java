package dev.schemagate.migrate;

import dev.schemagate.connection.ConnectionParameters;
import dev.schemagate.connection.PostgresConnectionInfo;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.postgresql.PGConnection;

/**
 * Connections for Flyway: the credential-free JDBC URL plus user and password as driver properties,
 * so the password never appears in a URL (nor in the messages the driver builds from it), and the
 * URL's parameters as {@link ConnectionParameters} allows them.
 */
final class PostgresDataSource implements DataSource {

  /** Settings a database URL may override. */
  private static final Map<String, String> DRIVER_DEFAULTS =
      Map.of("ApplicationName", "schemagate migrate");

  /**
   * How long a read may wait beyond the run's deadline: the stop cancels the running statement at
   * the deadline, and a database that does not even answer that is given up this much later.
   */
  static final Duration READ_GRACE = Duration.ofSeconds(30);

  private final PostgresConnectionInfo info;
  private final Duration timeout;
  private final Duration readTimeout;
  private final Set<Integer> backendPids = ConcurrentHashMap.newKeySet();

  /**
   * @param deadline the run's deadline, null for none
   */
  PostgresDataSource(PostgresConnectionInfo info, Duration timeout, Duration deadline) {
    this.info = info;
    this.timeout = timeout;
    this.readTimeout = deadline == null ? null : deadline.plus(READ_GRACE);
  }

  @Override
  public Connection getConnection() throws SQLException {
    Connection connection = ConnectionParameters.connect(info, DRIVER_DEFAULTS, timeouts());
    backendPids.add(connection.unwrap(PGConnection.class).getBackendPID());
    return connection;
  }

  /** The server processes of every connection handed out, for a stop to cancel their work. */
  Set<Integer> backendPids() {
    return Set.copyOf(backendPids);
  }

  /**
   * Connecting and logging in are bounded by {@code --timeout}, and no database URL lifts that
   * ({@link ConnectionParameters}). Reading is bounded by the deadline plus {@link #READ_GRACE}
   * when there is a deadline (no statement can usefully run longer than the run), else not by
   * schemagate: a migration may legitimately run for hours; a shorter {@code socketTimeout} in the
   * URL applies as given.
   */
  ConnectionParameters.Timeouts timeouts() {
    return new ConnectionParameters.Timeouts(timeout, timeout, readTimeout);
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
