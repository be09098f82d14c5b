package dev.schemagate.masking;

import dev.schemagate.masking.UrlParts.Param;
import java.util.Locale;
import java.util.Set;

/** Marks the secret parts of a split URL: the password, secret query parameters, and more. */
final class UrlMasking {

  /**
   * Schemes whose userinfo without {@code :} is a user name. Elsewhere it is often the secret
   * itself: Lettuce reads {@code redis://secret@host} as a password, and {@code https://token@host}
   * carries a token.
   */
  private static final Set<String> USER_ONLY_SCHEMES =
      Set.of(
          "postgresql", "postgres", "amqp", "amqps", "mysql", "mariadb", "mongodb", "mongodb+srv");

  /**
   * Schemes of databases and brokers, whose path and parameters name a database or a vhost. Other
   * URLs from Secrets (webhooks, signed links) often carry the secret in the path or query.
   */
  private static final Set<String> CONNECTION_SCHEMES =
      Set.of(
          "postgresql",
          "postgres",
          "redis",
          "rediss",
          "redis-sentinel",
          "valkey",
          "valkeys",
          "amqp",
          "amqps",
          "mysql",
          "mariadb",
          "mongodb",
          "mongodb+srv",
          "nats",
          "kafka");

  private UrlMasking() {}

  /**
   * @param hideLocation also hide path and query, unless this is a database or broker URL
   */
  static void redact(UrlParts p, Redactions r, boolean hideLocation) {
    String source = p.source();
    String scheme = p.scheme().toLowerCase(Locale.ROOT);
    boolean jdbc = scheme.startsWith("jdbc:");
    if (p.userinfo() != null) {
      boolean userVisible = p.userinfoReadable() && plausibleUser(p.user().of(source));
      if (!userVisible) {
        r.add(p.userinfo());
      } else if (p.password() != null) {
        r.add(p.password());
      } else if (!jdbc && !USER_ONLY_SCHEMES.contains(scheme)) {
        r.add(p.userinfo());
      }
    }
    if (hideLocation && !jdbc && !CONNECTION_SCHEMES.contains(scheme)) {
      r.add(p.path());
      r.add(p.query());
      return;
    }
    for (Param param : p.params()) {
      String name = PercentCoding.decode(param.name().of(source), true);
      if (param.value() != null && SecretNames.looksSecret(name)) {
        r.add(param.value());
      }
    }
  }

  /** A user name as people write them; anything else may be a misplaced password. */
  private static boolean plausibleUser(String user) {
    for (int i = 0; i < user.length(); i++) {
      char c = user.charAt(i);
      if ("/?#&=\"'".indexOf(c) >= 0 || Character.isWhitespace(c)) {
        return false;
      }
    }
    return true;
  }
}
