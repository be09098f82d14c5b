package dev.schemagate.schema;

import java.sql.SQLException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import org.postgresql.util.PSQLException;

/**
 * A connection attempt that reached no PostgreSQL server, said without saying how it failed.
 *
 * <p>Why: a tenant's URL can point the operator at any address the operator's network reaches. If
 * status told "connection refused" from "timed out" from "connection closed" from "host name could
 * not be resolved" from a protocol error, a tenant could map, through status, what the operator
 * reaches: which ports are open, which are firewalled, what speaks another protocol. So the
 * operator's check says the same of all of them. What a real PostgreSQL server answered (a refused
 * login, a database it does not have, too many connections) is still said: only a server that
 * speaks the protocol can give that answer. The schema gate and the migration Job, which run in the
 * tenant's own pods and see only what the tenant's network reaches, keep the detailed causes.
 *
 * <p>Timing is not hidden: a closed port fails at once, a silent one after the timeout (see
 * docs/security.md).
 */
public final class UnansweredConnection extends SQLException {

  /** What the check says instead of the cause. */
  static final String WHY_NOT_SHOWN =
      "no PostgreSQL server answered; a refused, silent, closed or unresolvable address and"
          + " another protocol look alike here (see docs/security.md; the schema gate in the"
          + " application's pods says which)";

  private UnansweredConnection() {
    // No cause attached: its text is exactly what must not travel.
    super("no PostgreSQL server answered", "08001");
  }

  /**
   * {@code connector}, with every failure that no PostgreSQL server answered turned into an {@link
   * UnansweredConnection}; a failure a server answered passes unchanged.
   */
  public static SchemaVerifier.Connector hidingTheCause(SchemaVerifier.Connector connector) {
    return () -> {
      try {
        return connector.connect();
      } catch (SQLException | RuntimeException e) {
        if (aServerAnswered(e)) {
          throw e;
        }
        throw new UnansweredConnection();
      }
    };
  }

  /** True when a PostgreSQL server's own error message is in the chain. */
  private static boolean aServerAnswered(Throwable error) {
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Throwable t = error; t != null && seen.add(t); t = t.getCause()) {
      if (t instanceof PSQLException psql && psql.getServerErrorMessage() != null) {
        return true;
      }
    }
    return false;
  }
}
