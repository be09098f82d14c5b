package dev.schemagate.migration.flyway;

import dev.schemagate.secrets.PostgresConnectionInfo;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.Properties;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Connections for Flyway: the credential-free JDBC URL plus user and password as driver properties,
 * so the password never appears in a URL (nor in the messages the driver builds from it).
 */
final class PostgresDataSource implements DataSource {

  private final PostgresConnectionInfo info;
  private final Duration timeout;

  PostgresDataSource(PostgresConnectionInfo info, Duration timeout) {
    this.info = info;
    this.timeout = timeout;
  }

  @Override
  public Connection getConnection() throws SQLException {
    Properties properties = new Properties();
    String seconds = Long.toString(Math.max(1, timeout.toSeconds()));
    properties.setProperty("connectTimeout", seconds);
    properties.setProperty("loginTimeout", seconds);
    properties.setProperty("ApplicationName", "schemagate migrate");
    properties.putAll(info.properties());
    // The driver directly: DriverManager would first look through every driver on the path.
    Connection connection = new org.postgresql.Driver().connect(info.jdbcUrl(), properties);
    if (connection == null) {
      throw new SQLException("the JDBC driver did not accept the database URL", "08001");
    }
    return connection;
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
