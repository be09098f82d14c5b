package dev.schemagate.migrate;

import dev.schemagate.cli.SchemagateCli;
import dev.schemagate.gate.GateEnvironment;
import dev.schemagate.testkit.TestPostgres;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One test's {@code schemagate migrate}: a fresh schema on the shared PostgreSQL, a directory of
 * migrations the test writes, the command line run in-process, and what it printed.
 */
final class MigrateRun {

  static final String PASSWORD = "Run-S3cret-pw-8812";
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  final EmbeddedPostgres pg = TestPostgres.shared();
  final String schema = "run_" + SEQUENCE.incrementAndGet() + "_" + System.nanoTime() % 100_000;
  final Map<String, String> env = new HashMap<>();
  final Path migrations;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  MigrateRun(Path migrations) {
    this.migrations = migrations;
    env.put("SCHEMAGATE_DATABASE_URL", url());
  }

  String url() {
    return "postgresql://postgres:" + PASSWORD + "@localhost:" + pg.getPort() + "/postgres";
  }

  /** Everything printed so far, stdout and stderr. */
  String output() {
    return out + err.toString();
  }

  int migrate(String... extra) {
    List<String> args = new ArrayList<>(List.of("migrate", "--location", migrations.toString()));
    args.addAll(List.of("--schema", schema));
    args.addAll(List.of(extra));
    try (GateEnvironment.Override ignored = GateEnvironment.override(env)) {
      return SchemagateCli.execute(
          new PrintWriter(out, true), new PrintWriter(err, true), args.toArray(String[]::new));
    }
  }

  /** The arguments of a child process's migrate, as {@link #migrate} passes them. */
  List<String> args(String... extra) {
    List<String> args = new ArrayList<>(List.of("migrate", "--location", migrations.toString()));
    args.addAll(List.of("--schema", schema));
    args.addAll(List.of(extra));
    return args;
  }

  void file(String name, String sql) throws IOException {
    file(name, sql, StandardCharsets.UTF_8);
  }

  void file(String name, String sql, Charset charset) throws IOException {
    Files.write(migrations.resolve(name), sql.getBytes(charset));
  }

  Connection admin() throws SQLException {
    return pg.getPostgresDatabase().getConnection();
  }

  void exec(String... sql) throws SQLException {
    try (Connection c = admin();
        Statement s = c.createStatement()) {
      for (String q : sql) {
        s.execute(q);
      }
    }
  }

  /** The first column of every row of {@code sql}. */
  List<String> column(String sql) throws SQLException {
    List<String> values = new ArrayList<>();
    try (Connection c = admin();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        values.add(rs.getString(1));
      }
    }
    return values;
  }

  /** version -> success, in the order applied. */
  Map<String, Boolean> history(String table) throws SQLException {
    Map<String, Boolean> rows = new LinkedHashMap<>();
    try (Connection c = admin();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT version, success FROM "
                    + schema
                    + "."
                    + table
                    + " WHERE version IS NOT NULL ORDER BY installed_rank")) {
      while (rs.next()) {
        rows.put(rs.getString(1), rs.getBoolean(2));
      }
    }
    return rows;
  }

  Map<String, Boolean> history() throws SQLException {
    return history("flyway_schema_history");
  }

  /** Whether index {@code name} exists in the schema, and is valid. */
  Boolean indexValid(String name) throws SQLException {
    List<String> valid =
        column(
            "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN"
                + " pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = '"
                + name
                + "' AND n.nspname = '"
                + schema
                + "'");
    return valid.isEmpty() ? null : "t".equals(valid.get(0));
  }
}
