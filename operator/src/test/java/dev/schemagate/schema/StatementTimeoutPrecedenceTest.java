package dev.schemagate.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.schemagate.connection.PostgresConnectionInfo;
import dev.schemagate.testkit.TestPostgres;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A tenant URL may carry {@code options} (providers need it), and with it {@code -c
 * statement_timeout=0}: the check's own timeout, set inside its transaction after connecting, still
 * wins.
 */
class StatementTimeoutPrecedenceTest {

  @Test
  void optionsCannotLiftTheChecksStatementTimeout() throws SQLException {
    EmbeddedPostgres pg = TestPostgres.shared();
    PostgresConnectionInfo info =
        PostgresConnectionInfo.parse(
            "postgresql://postgres@localhost:"
                + pg.getPort()
                + "/postgres?sslmode=disable&options=-c%20statement_timeout%3D0%20-c%20lock_timeout%3D0");

    try (Connection c = SchemaVerifier.connector(info, Duration.ofSeconds(1)).connect();
        Statement s = c.createStatement()) {
      assertThat(show(s, "statement_timeout")).as("the URL's session default").isEqualTo("0");
      c.setAutoCommit(false);
      try (PreparedStatement set = c.prepareStatement(SchemaVerifier.TRANSACTION_SETTINGS)) {
        set.setString(1, "1000");
        set.execute();
      }
      assertThat(show(s, "statement_timeout")).isEqualTo("1s");
      long started = System.nanoTime();
      assertThatThrownBy(() -> s.execute("SELECT pg_sleep(10)"))
          .isInstanceOf(SQLException.class)
          .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("57014"));
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
      c.rollback();
    }
  }

  private static String show(Statement s, String setting) throws SQLException {
    try (ResultSet rs = s.executeQuery("SHOW " + setting)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
