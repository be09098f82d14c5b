package dev.schemagate.sandbox.bench;

import dev.schemagate.cli.LogFormat;
import dev.schemagate.cli.Logging;
import dev.schemagate.sandbox.Databases;
import dev.schemagate.schema.SchemaReport;
import dev.schemagate.schema.SchemaRequirements;
import dev.schemagate.schema.SchemaVerifier;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Schema verification cost against the number of required tables, on a real PostgreSQL whose
 * database holds many tables (10 columns and 1 index each): schemagate's single catalog query
 * ({@link SchemaVerifier}, the whole read-only transaction) vs one catalog query per table (the
 * naive way) vs information_schema. Warm: each measurement is repeated on one open connection and
 * the median is printed with the spread.
 */
@Command(
    name = "schema-verification",
    mixinStandardHelpOptions = true,
    description = "Measures schema verification time against the number of required tables.")
public final class SchemaVerificationBenchmark implements Callable<Integer> {

  private static final int COLUMNS = 10;

  @Option(
      names = "--database-tables",
      defaultValue = "10000",
      description = "Tables in the database. Default: ${DEFAULT-VALUE}.")
  int databaseTables;

  @Option(
      names = "--required",
      split = ",",
      defaultValue = "10,100,1000,5000",
      description = "Required table counts to measure. Default: ${DEFAULT-VALUE}.")
  List<Integer> required;

  @Option(
      names = "--database-url",
      paramLabel = "<jdbc-url>",
      description =
          "An empty database of another PostgreSQL to run on instead of the embedded one, e.g."
              + " jdbc:postgresql://127.0.0.1:5432/bench?user=postgres (the tables are created"
              + " in it). The embedded server has no JIT; a server built with LLVM has.")
  String databaseUrl;

  @Option(
      names = "--runs",
      defaultValue = "15",
      description =
          "Measured runs per method and size, after 3 warm-up runs. Default: ${DEFAULT-VALUE}.")
  int runs;

  public static void main(String[] args) {
    System.exit(new CommandLine(new SchemaVerificationBenchmark()).execute(args));
  }

  @FunctionalInterface
  private interface Method {
    /** Returns the number of missing items, which must be 0. */
    int verify(Connection connection, int tables) throws SQLException;
  }

  @Override
  public Integer call() throws Exception {
    Logging.configure(LogFormat.text, "ERROR");
    if (databaseUrl != null) {
      try (Connection connection = DriverManager.getConnection(databaseUrl)) {
        measureAll(connection);
      }
      return 0;
    }
    try (Databases databases = Databases.start()) {
      String database = databases.createDatabase();
      try (Connection connection = databases.connect(database)) {
        measureAll(connection);
      }
    }
    return 0;
  }

  private void measureAll(Connection connection) throws SQLException {
    long created = System.nanoTime();
    createTables(connection);
    System.out.printf(
        "schema verification: database with %d tables (%d columns, 1 index each), %s, JIT %s,"
            + " created in %.0f s; %d warm runs per cell, ms: median [min-max]%n",
        databaseTables,
        COLUMNS,
        query(connection, "SELECT version()"),
        query(
            connection,
            "SELECT CASE WHEN pg_jit_available() THEN 'available' ELSE 'not" + " available' END"),
        (System.nanoTime() - created) / 1e9,
        runs);
    System.out.printf(
        "%-10s %-28s %-28s %-28s%n",
        "required", "catalog query (schemagate)", "query per table (naive)", "information_schema");
    // As the operator and the gate connect (SchemaVerifier.connectionProperties): no named
    // server-side statements, so every execution is planned for its own parameters.
    connection.unwrap(org.postgresql.PGConnection.class).setPrepareThreshold(0);
    for (int tables : required) {
      System.out.printf(
          "%-10d %-28s %-28s %-28s%n",
          tables,
          measure(connection, tables, SchemaVerificationBenchmark::catalog),
          measure(connection, tables, SchemaVerificationBenchmark::perTable),
          measure(connection, tables, SchemaVerificationBenchmark::informationSchema));
    }
  }

  private static String query(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(sql)) {
      row.next();
      return row.getString(1);
    }
  }

  private void createTables(Connection connection) throws SQLException {
    StringBuilder columns = new StringBuilder();
    for (int c = 0; c < COLUMNS; c++) {
      columns.append(c == 0 ? "" : ", ").append("c").append(c).append(" int");
    }
    // In batches: one transaction for all would exhaust the lock table.
    try (Statement statement = connection.createStatement()) {
      for (int from = 1; from <= databaseTables; from += 250) {
        int to = Math.min(databaseTables, from + 249);
        statement.execute(
            """
            DO $$ BEGIN FOR i IN %d..%d LOOP
              EXECUTE format('CREATE TABLE t_%%s (%s)', i);
              EXECUTE format('CREATE INDEX idx_t_%%s ON t_%%s (c0)', i, i);
            END LOOP; END $$
            """
                .formatted(from, to, columns));
      }
      statement.execute("ANALYZE");
    }
  }

  private String measure(Connection connection, int tables, Method method) throws SQLException {
    if (tables > databaseTables) {
      return "-";
    }
    List<Double> millis = new ArrayList<>();
    for (int i = 0; i < runs + 3; i++) {
      long start = System.nanoTime();
      int missing = method.verify(connection, tables);
      double elapsed = (System.nanoTime() - start) / 1e6;
      if (missing != 0) {
        throw new IllegalStateException(missing + " required items reported missing");
      }
      if (i >= 3) {
        millis.add(elapsed);
      }
    }
    Stats stats = new Stats(millis);
    return String.format("%.2f [%.2f-%.2f]", stats.median(), stats.min(), stats.max());
  }

  private static List<String> columnNames() {
    List<String> names = new ArrayList<>();
    for (int c = 0; c < COLUMNS; c++) {
      names.add("c" + c);
    }
    return names;
  }

  private static final java.util.Map<Integer, SchemaRequirements> REQUIREMENTS =
      new java.util.HashMap<>();

  /** The requirements are built once per size, as the operator builds them from the spec. */
  private static int catalog(Connection connection, int tables) throws SQLException {
    SchemaRequirements requirements =
        REQUIREMENTS.computeIfAbsent(
            tables,
            n -> {
              List<SchemaRequirements.Table> required = new ArrayList<>();
              for (int i = 1; i <= n; i++) {
                required.add(
                    SchemaRequirements.Table.of("t_" + i, columnNames(), List.of("idx_t_" + i)));
              }
              return SchemaRequirements.of("public", required, null);
            });
    SchemaReport report = SchemaVerifier.verify(connection, requirements, Duration.ofSeconds(30));
    return report.verified() ? 0 : 1;
  }

  /** One round trip per table: its columns and index names. */
  private static int perTable(Connection connection, int tables) throws SQLException {
    int missing = 0;
    try (PreparedStatement statement =
        connection.prepareStatement(
            """
            SELECT (SELECT array_agg(a.attname::text) FROM pg_catalog.pg_attribute a
                    WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped),
                   (SELECT array_agg(ic.relname::text) FROM pg_catalog.pg_index i
                    JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid WHERE i.indrelid = c.oid)
            FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relname = ?
            """)) {
      for (int i = 1; i <= tables; i++) {
        statement.setString(1, "t_" + i);
        try (ResultSet row = statement.executeQuery()) {
          if (!row.next()) {
            missing++;
            continue;
          }
          Set<String> columns = names(row.getArray(1));
          Set<String> indexes = names(row.getArray(2));
          missing += columnNames().stream().filter(c -> !columns.contains(c)).count();
          missing += indexes.contains("idx_t_" + i) ? 0 : 1;
        }
      }
    }
    return missing;
  }

  /** information_schema for tables and columns (pg_indexes for indexes, which it lacks). */
  private static int informationSchema(Connection connection, int tables) throws SQLException {
    String[] names = new String[tables];
    for (int i = 1; i <= tables; i++) {
      names[i - 1] = "t_" + i;
    }
    Array array = connection.createArrayOf("text", names);
    int found =
        count(
            connection,
            "SELECT count(*) FROM information_schema.tables"
                + " WHERE table_schema = 'public' AND table_name = ANY (?)",
            array);
    int columns =
        count(
            connection,
            "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'public'"
                + " AND table_name = ANY (?) AND column_name IN"
                + " ('c0','c1','c2','c3','c4','c5','c6','c7','c8','c9')",
            array);
    int indexes =
        count(
            connection,
            "SELECT count(*) FROM pg_catalog.pg_indexes WHERE schemaname = 'public'"
                + " AND tablename = ANY (?) AND indexname = 'idx_' || tablename",
            array);
    return (tables - found) + (tables * COLUMNS - columns) + (tables - indexes);
  }

  private static int count(Connection connection, String sql, Array names) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setArray(1, names);
      try (ResultSet row = statement.executeQuery()) {
        row.next();
        return row.getInt(1);
      }
    }
  }

  private static Set<String> names(Array array) throws SQLException {
    Set<String> names = new HashSet<>();
    if (array != null) {
      for (Object name : (Object[]) array.getArray()) {
        names.add((String) name);
      }
    }
    return names;
  }
}
