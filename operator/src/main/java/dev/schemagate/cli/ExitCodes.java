package dev.schemagate.cli;

import dev.schemagate.gate.SchemaGate;

/** Exit codes shared by the subcommands. */
final class ExitCodes {

  static final int OK = 0;

  /** check-schema: the check ran and something is missing (or Flyway is behind or failed). */
  static final int SCHEMA_OUTDATED = SchemaGate.EXIT_OUTDATED;

  /**
   * check-schema: the check could not run on any attempt (database silent or refusing). Also
   * picocli's code for a usage error in the other subcommands.
   */
  static final int DATABASE_UNAVAILABLE = SchemaGate.EXIT_UNREACHABLE;

  /** check-schema: requirements, database URL or an option is missing or invalid. */
  static final int CONFIGURATION = 3;

  /** The subcommand exists but does nothing in this version (EX_UNAVAILABLE). */
  static final int NOT_AVAILABLE = 69;

  private ExitCodes() {}
}
