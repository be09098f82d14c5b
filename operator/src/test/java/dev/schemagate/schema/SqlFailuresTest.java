package dev.schemagate.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import javax.net.ssl.SSLHandshakeException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;
import org.postgresql.util.ServerErrorMessage;

/** The classification is a pure function: exercised here on exceptions shaped like the driver's. */
class SqlFailuresTest {

  static final String URL = "jdbc:postgresql://app:hunter2-secret@db.internal:6543/postgres";

  static PSQLException server(String state, String message) {
    return new PSQLException(new ServerErrorMessage("SFATAL\0C" + state + "\0M" + message + "\0"));
  }

  static VerificationReason reason(Throwable t) {
    return SqlFailures.classify(t).reason();
  }

  @Test
  void silenceIsUnreachable() {
    assertThat(reason(new SQLException("x", "08001")))
        .isEqualTo(VerificationReason.DatabaseUnreachable);
    assertThat(reason(new SQLException("x", "08006")))
        .isEqualTo(VerificationReason.DatabaseUnreachable);
    assertThat(reason(server("57P01", "terminating connection due to administrator command")))
        .isEqualTo(VerificationReason.DatabaseUnreachable);
    assertThat(reason(server("57P02", "crash shutdown")))
        .isEqualTo(VerificationReason.DatabaseUnreachable);
    assertThat(reason(server("57P03", "the database system is starting up")))
        .isEqualTo(VerificationReason.DatabaseUnreachable);
    assertThat(reason(server("57014", "canceling statement due to statement timeout")))
        .isEqualTo(VerificationReason.DatabaseUnreachable);
    assertThat(reason(server("53300", "sorry, too many clients already")))
        .isEqualTo(VerificationReason.DatabaseUnreachable);
    assertThat(reason(new SQLTimeoutException("x")))
        .isEqualTo(VerificationReason.DatabaseUnreachable);
    assertThat(reason(new SQLException("x", null, new SocketTimeoutException("Read timed out"))))
        .isEqualTo(VerificationReason.DatabaseUnreachable);
    assertThat(reason(new SQLException("x", "XX000", new ConnectException("refused"))))
        .isEqualTo(VerificationReason.DatabaseUnreachable);
    assertThat(reason(new RuntimeException(new UnknownHostException("db.internal"))))
        .isEqualTo(VerificationReason.DatabaseUnreachable);
    assertThat(reason(new SQLException("x", null, new EOFException())))
        .isEqualTo(VerificationReason.DatabaseUnreachable);
  }

  @Test
  void refusedLoginAndPermission() {
    assertThat(reason(server("28P01", "password authentication failed for user \"app\"")))
        .isEqualTo(VerificationReason.DatabaseAuthFailed);
    assertThat(reason(server("42501", "permission denied for table flyway_schema_history")))
        .isEqualTo(VerificationReason.PermissionDenied);
  }

  @Test
  void everythingElseIsAVerificationError() {
    assertThat(SqlFailures.classify(server("42703", "column \"success\" does not exist")))
        .isEqualTo(
            new VerificationOutcome.Failed(
                VerificationReason.VerificationError,
                "Schema check failed: column \"success\" does not exist (SQLSTATE 42703)"));
    assertThat(SqlFailures.classify(new IllegalStateException(URL)))
        .isEqualTo(
            new VerificationOutcome.Failed(
                VerificationReason.VerificationError,
                "Schema check failed: IllegalStateException"));
  }

  @Test
  void messagesUseTheServersWordsOrOurs() {
    assertThat(
            SqlFailures.classify(server("57014", "canceling statement due to statement timeout"))
                .message())
        .isEqualTo(
            "Database did not answer: canceling statement due to statement timeout (SQLSTATE 57014)");
    assertThat(
            SqlFailures.classify(
                    new PSQLException(
                        "Connection to db.internal:6543 refused. Check that the hostname and port are correct.",
                        PSQLState.CONNECTION_UNABLE_TO_CONNECT,
                        new ConnectException("Connection refused")))
                .message())
        .isEqualTo("Database did not answer: connection refused (SQLSTATE 08001)");
    assertThat(SqlFailures.classify(new SQLException("closed", "08003")).message())
        .isEqualTo("Database did not answer: connection already closed (SQLSTATE 08003)");
  }

  @Test
  void aFailedTlsHandshakeIsATlsFailureNotSilence() {
    // What the driver throws when the TLS handshake fails: SSL error: <JSSE's text>, 08006.
    PSQLException error =
        new PSQLException(
            "SSL error: PKIX path building failed",
            PSQLState.CONNECTION_FAILURE,
            new SSLHandshakeException("PKIX path building failed"));

    assertThat(SqlFailures.classify(error))
        .isEqualTo(
            new VerificationOutcome.Failed(
                VerificationReason.DatabaseTlsFailed,
                "Database refused the TLS connection: TLS handshake failed (SQLSTATE 08006)"));
  }

  @Test
  void aServerWithoutTlsWhenTheUrlRequiresItIsATlsFailure() {
    PSQLException error =
        new PSQLException("The server does not support SSL.", PSQLState.CONNECTION_REJECTED);

    assertThat(SqlFailures.classify(error))
        .isEqualTo(
            new VerificationOutcome.Failed(
                VerificationReason.DatabaseTlsFailed,
                "Database refused the TLS connection: the server does not offer TLS, and the"
                    + " URL's sslmode requires it (SQLSTATE 08004)"));
  }

  @Test
  void aHandshakeCutShortByTheNetworkIsSilence() {
    PSQLException error =
        new PSQLException(
            "SSL error: Read timed out",
            PSQLState.CONNECTION_FAILURE,
            new javax.net.ssl.SSLException(new SocketTimeoutException("Read timed out")));

    assertThat(reason(error)).isEqualTo(VerificationReason.DatabaseUnreachable);
  }

  @Test
  void anotherCommandNamesItsOwnWorkInTheMessageOfAnOtherError() {
    PSQLException noDatabase = server("3D000", "database \"app\" does not exist");
    PSQLException login = server("28P01", "password authentication failed for user \"app\"");

    assertThat(SqlFailures.classify(noDatabase, "Database connection failed"))
        .isEqualTo(
            new VerificationOutcome.Failed(
                VerificationReason.VerificationError,
                "Database connection failed: database \"app\" does not exist (SQLSTATE 3D000)"));
    assertThat(SqlFailures.classify(login, "Database connection failed"))
        .as("the one rule: every reason but the catch-all reads the same for every command")
        .isEqualTo(SqlFailures.classify(login));
  }

  @Test
  void chainedExceptionsAreFollowedWithoutLooping() {
    SQLException outer = new SQLException("batch failed", "XX000");
    SQLException next = new SQLException("x", "08006");
    outer.setNextException(next);
    next.setNextException(outer);

    assertThat(reason(outer)).isEqualTo(VerificationReason.DatabaseUnreachable);
  }

  /** Whatever the driver wrote into its own message, none of it reaches ours. */
  @Property
  void driverTextNeverReachesTheMessage(
      @ForAll("states") String state, @ForAll("secrets") String secret) {
    String driverText = "Connection to jdbc:postgresql://app:" + secret + "@db.internal/app failed";
    Throwable error =
        switch (Math.abs(secret.hashCode()) % 3) {
          case 0 -> new SQLException(driverText, state);
          case 1 ->
              new PSQLException(
                  driverText, PSQLState.UNKNOWN_STATE, new ConnectException(driverText));
          default -> new RuntimeException(driverText, new SQLException(driverText, state));
        };

    String message = SqlFailures.classify(error).message();

    assertThat(message)
        .doesNotContain(secret)
        .doesNotContain("jdbc:")
        .doesNotContain("db.internal");
  }

  @Provide
  Arbitrary<String> states() {
    return Arbitraries.of("08001", "08006", "57014", "42501", "28P01", "XX000", "42P01", "3D000");
  }

  @Provide
  Arbitrary<String> secrets() {
    return Arbitraries.strings()
        .alpha()
        .numeric()
        .ofMinLength(8)
        .ofMaxLength(20)
        .map(s -> "S3c" + s);
  }
}
