package dev.schemagate.migrate;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.util.Optional;
import org.flywaydb.core.api.FlywayException;

/**
 * What to do about a Flyway failure that is not a failing statement (a pure function of Flyway's
 * exception): Flyway's own message says what went wrong, in its words; the hint says which
 * AppDeployment field or option changes it.
 */
final class FailureHints {

  /** Flyway refuses a file mixing both kinds of statements before running any of it. */
  static final String MIXED = "Detected both transactional and non-transactional";

  private FailureHints() {}

  static boolean mixed(FlywayException e) {
    return String.valueOf(e.getMessage()).contains(MIXED);
  }

  static Optional<String> of(FlywayException e, Charset encoding) {
    String message = String.valueOf(e.getMessage());
    if (message.contains(MIXED)) {
      return Optional.of(
          "❌ it mixes statements that must run in a transaction with ones that cannot (CREATE"
              + " INDEX CONCURRENTLY, ...); nothing of it ran. Put them in separate migrations, or"
              + " allow it with migration.flyway.mixed: true (--mixed): the file then runs"
              + " outside a transaction.");
    }
    if (message.contains("non-empty schema")) {
      return Optional.of(
          "❌ the schema already holds tables but has no Flyway history: pass"
              + " --baseline-on-migrate (migration.flyway.baselineOnMigrate) to record"
              + " --baseline-version as applied");
    }
    if (message.contains("Unable to calculate checksum") && notDecodable(e)) {
      return Optional.of(
          "❌ a file is not written in "
              + encoding.name()
              + ": set its encoding with migration.flyway.encoding (--encoding), e.g."
              + " ISO-8859-1");
    }
    if (message.contains("failed migration")) {
      return Optional.of(
          "❌ an earlier run of a migration outside a transaction failed and is recorded as"
              + " failed: see "
              + FailureReport.REPAIR_DOCS);
    }
    return Optional.empty();
  }

  private static boolean notDecodable(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof CharacterCodingException) {
        return true;
      }
    }
    return false;
  }
}
