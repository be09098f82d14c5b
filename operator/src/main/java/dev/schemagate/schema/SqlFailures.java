package dev.schemagate.schema;

import java.io.EOFException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Tells why a schema check could not run, from the exception alone (a pure function).
 *
 * <p>A database that does not answer must never look like a missing schema: the components would be
 * held back, or worse, someone would re-run a migration, because of a network blip. So every sign
 * of silence wins over everything else: SQLSTATE class 08 (connection exception), 57P01/02/03
 * (shutdown, crash, starting up), 57014 (statement cancelled by our timeout), 53300 (too many
 * connections, typical of a saturated pooler), 55P03 (lock wait timeout, e.g. while Flyway holds
 * its history table), and socket-level causes (refused, reset, timed out, unknown host).
 *
 * <p>Messages are built here from the SQLSTATE, the kind of network failure and the server's own
 * error text. The driver's client-side text is never used: it can name the host and port, and a
 * connection string or password has no business in status or Events.
 */
public final class SqlFailures {

  private static final Set<String> SILENT_STATES =
      Set.of("57P01", "57P02", "57P03", "57014", "53300", "55P03");

  private SqlFailures() {}

  /** The reason and message for a check that failed with {@code error}. */
  public static VerificationOutcome.Failed classify(Throwable error) {
    return classify(error, "Schema check failed");
  }

  /**
   * The same rule for any work on the database ({@code schemagate migrate} uses it too, so that a
   * refused login reads the same in every command); {@code otherwise} begins the message of a
   * {@link VerificationReason#VerificationError}, the error that is none of the others.
   */
  public static VerificationOutcome.Failed classify(Throwable error, String otherwise) {
    List<Throwable> chain = chain(error);
    if (chain.stream().anyMatch(UnansweredConnection.class::isInstance)) {
      return new VerificationOutcome.Failed(
          VerificationReason.DatabaseUnreachable,
          "Database did not answer: " + UnansweredConnection.WHY_NOT_SHOWN);
    }
    String state = firstState(chain);
    String detail = detail(chain, state);
    if (tls(chain)) {
      // The database answered, and refused what TLS asked of it: no retry fixes that until its
      // certificate, the CA the URL names or the sslmode changes.
      return new VerificationOutcome.Failed(
          VerificationReason.DatabaseTlsFailed, "Database refused the TLS connection: " + detail);
    }
    if (unreachable(chain)) {
      return new VerificationOutcome.Failed(
          VerificationReason.DatabaseUnreachable, "Database did not answer: " + detail);
    }
    if (state != null && state.startsWith("28")) {
      return new VerificationOutcome.Failed(
          VerificationReason.DatabaseAuthFailed, "Database refused the login: " + detail);
    }
    if ("42501".equals(state)) {
      return new VerificationOutcome.Failed(
          VerificationReason.PermissionDenied, "Permission denied: " + detail);
    }
    return new VerificationOutcome.Failed(
        VerificationReason.VerificationError, otherwise + ": " + detail);
  }

  /**
   * A TLS handshake that failed (a certificate not trusted, a name that does not match) or a server
   * that offers no TLS while the URL requires it. A handshake cut short by the network (a timeout,
   * a refused connection) is silence, not TLS.
   */
  private static boolean tls(List<Throwable> chain) {
    boolean handshake = false;
    for (Throwable t : chain) {
      if (t instanceof SocketTimeoutException
          || t instanceof ConnectException
          || t instanceof UnknownHostException
          || t instanceof NoRouteToHostException
          || t instanceof EOFException) {
        return false;
      }
      if (t instanceof SSLException || serverWithoutTls(t)) {
        handshake = true;
      }
    }
    return handshake;
  }

  /** pgjdbc's words when sslmode asks for TLS and the server answers that it has none. */
  private static boolean serverWithoutTls(Throwable t) {
    return t instanceof PSQLException
        && t.getMessage() != null
        && t.getMessage().contains("does not support SSL");
  }

  private static boolean unreachable(List<Throwable> chain) {
    for (Throwable t : chain) {
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        String state = sql.getSQLState();
        if (state.startsWith("08") || SILENT_STATES.contains(state)) {
          return true;
        }
      }
      if (t instanceof SQLTimeoutException
          || t instanceof InterruptedIOException // includes SocketTimeoutException
          || t instanceof SocketException // includes ConnectException, NoRouteToHostException
          || t instanceof UnknownHostException
          || t instanceof EOFException) {
        return true;
      }
    }
    return false;
  }

  private static String detail(List<Throwable> chain, String state) {
    String text = serverText(chain);
    if (text == null) {
      text = networkText(chain);
    }
    if (text == null) {
      text =
          state != null ? "error reported by the driver" : chain.get(0).getClass().getSimpleName();
    }
    return state == null ? text : text + " (SQLSTATE " + state + ")";
  }

  /** The server's own sentence, e.g. {@code permission denied for table flyway_schema_history}. */
  private static String serverText(List<Throwable> chain) {
    for (Throwable t : chain) {
      if (t instanceof PSQLException psql) {
        ServerErrorMessage server = psql.getServerErrorMessage();
        if (server != null && server.getMessage() != null) {
          return server.getMessage();
        }
      }
    }
    return null;
  }

  private static String networkText(List<Throwable> chain) {
    for (Throwable t : chain) {
      if (t instanceof SSLException) {
        return "TLS handshake failed";
      }
      if (serverWithoutTls(t)) {
        return "the server does not offer TLS, and the URL's sslmode requires it";
      }
      if (t instanceof ConnectException) {
        return "connection refused";
      }
      if (t instanceof NoRouteToHostException) {
        return "no route to host";
      }
      if (t instanceof UnknownHostException) {
        return "host name could not be resolved";
      }
      if (t instanceof SocketTimeoutException || t instanceof SQLTimeoutException) {
        return "timed out";
      }
      if (t instanceof SocketException || t instanceof EOFException) {
        return "connection closed";
      }
    }
    for (Throwable t : chain) {
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        String state = sql.getSQLState();
        if (state.equals("08003")) {
          return "connection already closed";
        }
        if (state.startsWith("08")) {
          return "connection failed";
        }
      }
    }
    return null;
  }

  private static String firstState(List<Throwable> chain) {
    for (Throwable t : chain) {
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        return sql.getSQLState();
      }
    }
    return null;
  }

  /** The exception, its causes and chained SQLExceptions, each once (chains can loop). */
  private static List<Throwable> chain(Throwable error) {
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    List<Throwable> chain = new ArrayList<>();
    List<Throwable> todo = new ArrayList<>(List.of(error));
    while (!todo.isEmpty()) {
      Throwable t = todo.remove(0);
      if (t == null || !seen.add(t)) {
        continue;
      }
      chain.add(t);
      todo.add(t.getCause());
      if (t instanceof SQLException sql) {
        todo.add(sql.getNextException());
      }
    }
    return chain;
  }
}
