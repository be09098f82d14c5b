package dev.schemagate.reliability;

import dev.schemagate.testkit.TestPostgres;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * A PostgreSQL of one test's own (never the shared one), which the test can stop and start again on
 * the same port with the same data, as a database restarting or failing over would.
 */
final class RestartablePostgres implements AutoCloseable {

  private final Path data;
  private final int port;
  private volatile EmbeddedPostgres server;

  private RestartablePostgres(Path data, int port) {
    this.data = data;
    this.port = port;
  }

  static RestartablePostgres start() {
    try (ServerSocket socket = new ServerSocket(0)) {
      RestartablePostgres pg =
          new RestartablePostgres(
              Files.createTempDirectory("schemagate-restartable-pg"), socket.getLocalPort());
      socket.close();
      pg.up();
      return pg;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts the server again on its port and data directory. */
  synchronized void up() {
    if (server != null) {
      return;
    }
    try {
      server =
          EmbeddedPostgres.builder()
              .setDataDirectory(data)
              .setCleanDataDirectory(false)
              .setPort(port)
              .setOutputRedirector(ProcessBuilder.Redirect.DISCARD)
              .setErrorRedirector(ProcessBuilder.Redirect.DISCARD)
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops the server; connections are refused until {@link #up}. */
  synchronized void down() {
    if (server == null) {
      return;
    }
    try {
      server.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      server = null;
    }
  }

  /** The URL of its {@code postgres} database, as a user would put it in a Secret. */
  String url(String user, String password) {
    return "postgresql://" + user + ":" + password + "@localhost:" + port + "/postgres";
  }

  void exec(String sql) {
    try (Connection c = TestPostgres.admin(server)) {
      TestPostgres.exec(c, sql);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Stops the server and removes its data directory. */
  @Override
  public void close() {
    down();
    try (var files = Files.walk(data)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
