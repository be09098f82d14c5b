package dev.schemagate.cli;

/** Exit codes shared by the subcommands. */
final class ExitCodes {

  static final int OK = 0;

  /** The subcommand exists but does nothing in this version (EX_UNAVAILABLE). */
  static final int NOT_AVAILABLE = 69;

  private ExitCodes() {}
}
