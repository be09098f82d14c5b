package dev.schemagate.sandbox;

import dev.schemagate.testkit.KubeletSimulator.Outcome;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import redis.embedded.RedisServer;

/** The demo's real PostgreSQL and Redis, on loopback, with passwords the demo never prints. */
public final class Databases implements AutoCloseable {

  private final EmbeddedPostgres postgres;
  private final RedisServer redis;
  private final int redisPort;
  private final String password;
  private final AtomicInteger databases = new AtomicInteger();

  private Databases(EmbeddedPostgres postgres, RedisServer redis, int redisPort, String password) {
    this.password = password;
    this.postgres = postgres;
    this.redis = redis;
    this.redisPort = redisPort;
  }

  public static Databases start() {
    try {
      EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
      int port;
      try (ServerSocket socket = new ServerSocket(0)) {
        port = socket.getLocalPort();
      }
      String password = "demo-" + UUID.randomUUID().toString().substring(0, 8);
      RedisServer redis =
          RedisServer.newRedisServer()
              .port(port)
              .bind("127.0.0.1")
              .setting("requirepass " + password)
              .build();
      redis.start();
      return new Databases(postgres, redis, port, password);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the demo's PostgreSQL or Redis", e);
    }
  }

  public String postgresVersion() {
    try (Connection c = postgres.getPostgresDatabase().getConnection();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SHOW server_version")) {
      r.next();
      return r.getString(1);
    } catch (SQLException e) {
      return "(version unknown)";
    }
  }

  public String createDatabase() {
    String name = "prosaas_" + databases.incrementAndGet();
    execute("postgres", "CREATE DATABASE " + name);
    return name;
  }

  /** The URL the app's Secret holds; the password is masked wherever schemagate shows it. */
  public String url(String database) {
    return "postgresql://postgres:"
        + password
        + "@localhost:"
        + postgres.getPort()
        + "/"
        + database;
  }

  public String redisUrl() {
    return "redis://:" + password + "@localhost:" + redisPort + "/0";
  }

  /** What a migration Job does: run the SQL of a bundled file against the app's database. */
  public Outcome migrate(String database, String resource) {
    try (InputStream in = Databases.class.getResourceAsStream(resource)) {
      execute(database, new String(in.readAllBytes(), StandardCharsets.UTF_8));
      return Outcome.SUCCEED;
    } catch (IOException | IllegalStateException e) {
      return Outcome.FAIL;
    }
  }

  /** A JDBC connection to one of the databases, as the superuser. */
  public Connection connect(String database) throws SQLException {
    return postgres.getDatabase("postgres", database).getConnection();
  }

  /** Runs SQL in one of the databases. */
  public void execute(String database, String sql) {
    try (Connection c = postgres.getDatabase("postgres", database).getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("SQL failed on " + database + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      redis.stop();
      postgres.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
