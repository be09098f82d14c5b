package dev.schemagate.schema;

import dev.schemagate.connection.ConnectionParameters;
import dev.schemagate.connection.PostgresConnectionInfo;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * Checks that a database holds what {@link SchemaRequirements} ask for.
 *
 * <p>The check runs in one short read-only transaction on the given connection:
 *
 * <ol>
 *   <li>{@code set_config('statement_timeout', ?, true)}: the timeout, local to this transaction
 *       (so it also works through a transaction-mode pooler such as PgBouncer or Supavisor), and
 *       JIT compilation off ({@link #TRANSACTION_SETTINGS});
 *   <li>the catalog query ({@link CatalogQuery}): every table, column and index in one round trip;
 *   <li>only when a Flyway check is asked and the table exists: one read of the history table.
 * </ol>
 *
 * <p>The transaction is rolled back and the connection's auto-commit, read-only flag and network
 * timeout are restored. Read-only is a second line of defence: even if a name were ever mistaken
 * for SQL, the server would refuse to change anything.
 *
 * <p>Time is bounded three ways: the server cancels each statement after {@code timeout}; the
 * driver cancels from the client a second later if the server did not; and the socket gives up two
 * seconds after that, for a database that stopped answering altogether. Each statement (at most
 * three) is bounded on its own.
 */
public final class SchemaVerifier {

  /** Opens a connection; failures to connect are classified like any other. */
  @FunctionalInterface
  public interface Connector {
    Connection connect() throws SQLException;
  }

  /**
   * The check's transaction settings: the timeout, and no JIT compilation. On a server with JIT
   * available (PostgreSQL 11+ built with LLVM, as Debian's and many managed ones are), the catalog
   * query for many tables is estimated costly enough to be compiled, which costs far more than it
   * saves for a lookup: 1,000 tables 12 -> 44 ms, 5,000 tables 60 -> 440 ms on PostgreSQL 15 (see
   * docs/benchmarks.md). {@code current_setting(.., true)} keeps servers without the setting
   * working.
   */
  static final String TRANSACTION_SETTINGS =
      "SELECT set_config('statement_timeout', ?, true),"
          + " CASE WHEN current_setting('jit', true) IS NOT NULL"
          + " THEN set_config('jit', 'off', true) END";

  private static final Executor DIRECT = Runnable::run;
  private static final Duration NETWORK_GRACE = Duration.ofSeconds(2);

  private SchemaVerifier() {}

  /**
   * Connects, verifies and closes, never throwing: a missing schema becomes {@link
   * VerificationOutcome.Checked}, anything else a {@link VerificationOutcome.Failed} whose reason
   * tells a silent database from a refused permission from a real error.
   */
  public static VerificationOutcome check(
      Connector connector, SchemaRequirements requirements, Duration timeout) {
    try (Connection connection = connector.connect()) {
      return new VerificationOutcome.Checked(verify(connection, requirements, timeout));
    } catch (SQLException | RuntimeException e) {
      return SqlFailures.classify(e);
    }
  }

  /**
   * Verifies on a connection the caller owns (and closes). The connection must be in auto-commit
   * mode: the check opens and rolls back its own transaction, and must not end one of the caller's.
   *
   * @throws SQLException when the database fails to answer; classify it with {@link SqlFailures}
   */
  public static SchemaReport verify(
      Connection connection, SchemaRequirements requirements, Duration timeout)
      throws SQLException {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive");
    }
    if (!connection.getAutoCommit()) {
      throw new IllegalArgumentException(
          "the connection must be in auto-commit mode: the check runs its own transaction");
    }
    int networkTimeout = connection.getNetworkTimeout();
    boolean readOnly = connection.isReadOnly();
    connection.setNetworkTimeout(DIRECT, millis(timeout.plus(NETWORK_GRACE).plusSeconds(1)));
    SQLException failure = null;
    try {
      connection.setReadOnly(true);
      connection.setAutoCommit(false);
      return inTransaction(connection, requirements, timeout);
    } catch (SQLException e) {
      failure = e;
      throw e;
    } finally {
      restore(connection, networkTimeout, readOnly, failure);
    }
  }

  /**
   * The driver settings of the check that a database URL may override: the name the connections
   * show in {@code pg_stat_activity}, keep-alives, and unnamed statements (named server-side
   * statements break behind transaction-mode poolers; unnamed ones do not).
   */
  static final Map<String, String> DRIVER_DEFAULTS =
      Map.of("ApplicationName", "schemagate", "tcpKeepAlive", "true", "prepareThreshold", "0");

  /**
   * The bounds of connecting and reading for a check with {@code timeout}: connecting and logging
   * in by {@code timeout}, reading by two seconds more. No database URL lifts them ({@link
   * ConnectionParameters}).
   */
  public static ConnectionParameters.Timeouts timeouts(Duration timeout) {
    return new ConnectionParameters.Timeouts(timeout, timeout, timeout.plus(NETWORK_GRACE));
  }

  /**
   * Connects to {@code database} for a check with {@code timeout}, with its URL's parameters as
   * {@link ConnectionParameters} allows them and bounded by {@link #timeouts}: the one way the
   * operator and {@code schemagate check-schema} connect.
   */
  public static Connector connector(PostgresConnectionInfo database, Duration timeout) {
    return () -> ConnectionParameters.connect(database, DRIVER_DEFAULTS, timeouts(timeout));
  }

  private static SchemaReport inTransaction(
      Connection connection, SchemaRequirements requirements, Duration timeout)
      throws SQLException {
    // The client-side cancel comes a second after the server's, so the server's clearer
    // "canceling statement due to statement timeout" is what normally comes back.
    int clientTimeoutSeconds = (int) Math.min(Integer.MAX_VALUE, ceilSeconds(timeout) + 1);
    try (PreparedStatement set = connection.prepareStatement(TRANSACTION_SETTINGS)) {
      set.setString(1, Long.toString(millis(timeout)));
      set.execute();
    }
    CatalogQuery.Findings findings =
        CatalogQuery.run(connection, requirements, clientTimeoutSeconds);
    FlywayCheck flyway = null;
    SchemaRequirements.Flyway history = requirements.flyway();
    if (history != null) {
      flyway =
          findings.flywayRelation() == null
              ? FlywayCheck.tableMissing(history.table(), history.minVersion())
              : FlywayCheck.evaluate(
                  history.table(),
                  history.minVersion(),
                  FlywayHistoryQuery.read(
                      connection, findings.flywayRelation(), clientTimeoutSeconds));
    }
    List<String> elsewhere =
        findings.missingTables().isEmpty()
            ? List.of()
            : schemasHolding(
                connection, findings.missingTables(), requirements.schema(), clientTimeoutSeconds);
    return new SchemaReport(
        requirements.schema(),
        findings.schemaFound(),
        findings.missingTables(),
        findings.missingColumns(),
        findings.missingIndexes(),
        flyway,
        SchemaReport.Checked.of(requirements),
        elsewhere);
  }

  /**
   * Other schemas with tables of these names: only asked when tables are missing, so a passing
   * check stays one catalog query. Names go in as a bound array, never into the SQL text.
   */
  private static List<String> schemasHolding(
      Connection connection, List<String> tables, String schema, int timeoutSeconds)
      throws SQLException {
    try (PreparedStatement query =
        connection.prepareStatement(
            "SELECT DISTINCT n.nspname FROM pg_catalog.pg_class c"
                + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND c.relname = ANY (?)"
                + " AND n.nspname <> ? AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
                + " ORDER BY 1 LIMIT 5")) {
      query.setQueryTimeout(timeoutSeconds);
      query.setArray(1, connection.createArrayOf("text", tables.toArray()));
      query.setString(2, schema);
      List<String> schemas = new java.util.ArrayList<>();
      try (java.sql.ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          schemas.add(rows.getString(1));
        }
      }
      return schemas;
    }
  }

  /**
   * Puts the connection back as it was. A failure here must not hide the failure that brought us
   * here (a dead connection fails both), so it is attached to that one instead.
   */
  private static void restore(
      Connection connection, int networkTimeout, boolean readOnly, SQLException failure)
      throws SQLException {
    try {
      connection.rollback();
      connection.setAutoCommit(true);
      connection.setReadOnly(readOnly);
      connection.setNetworkTimeout(DIRECT, networkTimeout);
    } catch (SQLException e) {
      if (failure != null) {
        failure.addSuppressed(e);
      } else {
        throw e;
      }
    }
  }

  private static int millis(Duration d) {
    return (int) Math.min(Integer.MAX_VALUE, d.toMillis());
  }

  private static long ceilSeconds(Duration d) {
    return d.getSeconds() + (d.getNano() > 0 ? 1 : 0);
  }
}
