package dev.schemagate.testkit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL 14 for every test that needs one (binaries from Maven, no Docker), and a fresh
 * schema for every test so that tests share one server but nothing else: they run in any order.
 *
 * <p>The test classes share one server per JVM ({@link #shared()}): starting one costs seconds
 * (initdb), checking a schema milliseconds. Tests that stop a server start their own. {@link
 * PostgresExtension} gives a test class the shared server, a connection and a fresh schema.
 */
public final class TestPostgres {

  private static final AtomicInteger SEQUENCE = new AtomicInteger();
  private static EmbeddedPostgres shared;

  private TestPostgres() {}

  /** The server shared by all test classes; stopped by a JVM shutdown hook. */
  public static synchronized EmbeddedPostgres shared() {
    if (shared == null) {
      EmbeddedPostgres started = start();
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      started.close();
                    } catch (IOException e) {
                      // the JVM is going away
                    }
                  }));
      shared = started;
    }
    return shared;
  }

  /** Starts a server; pg_stat_statements is loaded so tests can count what the server ran. */
  public static EmbeddedPostgres start() {
    // initdb and the postmaster talk a lot at INFO; failures still show at WARN.
    ((Logger) LoggerFactory.getLogger("io.zonky")).setLevel(Level.WARN);
    try {
      return EmbeddedPostgres.builder()
          .setServerConfig("shared_preload_libraries", "pg_stat_statements")
          .setOutputRedirector(ProcessBuilder.Redirect.DISCARD)
          .setErrorRedirector(ProcessBuilder.Redirect.DISCARD)
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A superuser connection to the {@code postgres} database. */
  public static Connection admin(EmbeddedPostgres pg) throws SQLException {
    return pg.getPostgresDatabase().getConnection();
  }

  /** A connection as {@code user} (the embedded server trusts local connections). */
  public static Connection as(EmbeddedPostgres pg, String user) throws SQLException {
    return pg.getDatabase(user, "postgres", Map.of()).getConnection();
  }

  /**
   * A login role whose TCP connections must give {@code password} (scram-sha-256), so that a wrong
   * one is refused as a real server refuses it: SQLSTATE 28P01, {@code password authentication
   * failed for user ...}. The embedded server trusts everyone else; the rules put in front of
   * pg_hba.conf name this role alone, so other tests sharing the server are not affected.
   */
  public static synchronized void passwordRole(EmbeddedPostgres pg, String role, String password)
      throws SQLException {
    if (!role.matches("[a-z_][a-z0-9_]*") || password.contains("'")) {
      throw new IllegalArgumentException("a plain role name and a password without quotes");
    }
    try (Connection admin = admin(pg);
        Statement statement = admin.createStatement()) {
      statement.execute(
          "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '"
              + role
              + "') THEN CREATE ROLE "
              + role
              + " LOGIN; END IF; END $$");
      statement.execute("SET password_encryption = 'scram-sha-256'");
      statement.execute("ALTER ROLE " + role + " PASSWORD '" + password + "'");
      String hbaFile;
      try (var rs = statement.executeQuery("SHOW hba_file")) {
        rs.next();
        hbaFile = rs.getString(1);
      }
      Path hba = Path.of(hbaFile);
      String rules =
          "host all "
              + role
              + " 127.0.0.1/32 scram-sha-256\nhost all "
              + role
              + " ::1/128 scram-sha-256\n";
      String current = Files.readString(hba);
      if (!current.startsWith(rules)) {
        Files.writeString(hba, rules + current);
      }
      statement.execute("SELECT pg_reload_conf()");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // The postmaster reloads on SIGHUP, a moment after pg_reload_conf() returns.
    String url = "jdbc:postgresql://localhost:" + pg.getPort() + "/postgres";
    org.awaitility.Awaitility.await("pg_hba.conf reloaded: a wrong password is refused")
        .atMost(java.time.Duration.ofSeconds(10))
        .pollInterval(java.time.Duration.ofMillis(50))
        .until(() -> refuses(url, role, password + "-certainly-wrong"));
  }

  /** True when the server refuses the login for its password, false when it lets it in. */
  private static boolean refuses(String url, String role, String password) throws SQLException {
    try (Connection ignored = DriverManager.getConnection(url, role, password)) {
      return false;
    } catch (SQLException e) {
      if ("28P01".equals(e.getSQLState())) {
        return true;
      }
      throw e;
    }
  }

  /** Creates a schema with a name no other test uses and makes it the connection's search_path. */
  public static String freshSchema(Connection admin, String prefix) throws SQLException {
    String schema = prefix + "_" + SEQUENCE.incrementAndGet() + "_" + System.nanoTime() % 100_000;
    exec(admin, "CREATE SCHEMA " + schema, "SET search_path TO " + schema);
    return schema;
  }

  /** Runs test fixture DDL/DML (fixed strings written in the tests, never requirement input). */
  public static void exec(Connection connection, String... sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      for (String s : sql) {
        statement.execute(s);
      }
    }
  }
}
