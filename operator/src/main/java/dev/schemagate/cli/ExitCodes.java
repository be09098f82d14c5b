package dev.schemagate.cli;

import dev.schemagate.gate.SchemaGate;
import dev.schemagate.migrate.FlywayMigration;

/** Exit codes shared by the subcommands. */
final class ExitCodes {

  static final int OK = 0;

  /** check-schema: the check ran and something is missing (or Flyway is behind or failed). */
  static final int SCHEMA_OUTDATED = SchemaGate.EXIT_OUTDATED;

  /**
   * check-schema: the check could not run on any attempt (database silent, login or permission
   * refused; the reason is printed). Also picocli's code for a usage error in the other
   * subcommands.
   */
  static final int DATABASE_UNAVAILABLE = SchemaGate.EXIT_UNREACHABLE;

  /** check-schema: requirements, database URL or an option is missing or invalid. */
  static final int CONFIGURATION = SchemaGate.EXIT_CONFIGURATION;

  /** migrate: a migration failed (rolled back when transactional), or validation failed. */
  static final int MIGRATION_FAILED = FlywayMigration.EXIT_FAILED;

  /**
   * migrate: the database could not be used: it did not answer within --timeout, or refused the
   * login; the reason is printed with check-schema's names (DatabaseUnreachable,
   * DatabaseAuthFailed).
   */
  static final int MIGRATION_DATABASE_UNREACHABLE = FlywayMigration.EXIT_UNREACHABLE;

  /** migrate: --location, the database URL or another option is missing or invalid. */
  static final int MIGRATION_CONFIGURATION = FlywayMigration.EXIT_CONFIGURATION;

  private ExitCodes() {}
}
