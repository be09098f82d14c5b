package dev.schemagate.cli;

import picocli.CommandLine.Option;

/** Log format and level, shared by every subcommand. */
final class LoggingOptions {

  /** The environment variable that sets --log-format. */
  static final String FORMAT_ENV = "SCHEMAGATE_LOG_FORMAT";

  @Option(
      names = "--log-format",
      defaultValue = "${env:" + FORMAT_ENV + ":-text}",
      description =
          "text (human-readable) or json (one JSON object per line, for log collectors)."
              + " Env: "
              + FORMAT_ENV
              + ". Default: ${DEFAULT-VALUE}.")
  LogFormat format;

  @Option(
      names = "--log-level",
      defaultValue = "${env:SCHEMAGATE_LOG_LEVEL:-INFO}",
      description =
          "ERROR, WARN, INFO, DEBUG or TRACE. Env: SCHEMAGATE_LOG_LEVEL. Default: ${DEFAULT-VALUE}.")
  String level;

  void apply() {
    Logging.configure(format, level);
  }
}
