package dev.schemagate.cli;

import picocli.CommandLine.Option;

/** Log format and level, shared by every subcommand. */
final class LoggingOptions {

  @Option(
      names = "--log-format",
      defaultValue = "${env:SCHEMAGATE_LOG_FORMAT:-text}",
      description =
          "text (human-readable) or json (one JSON object per line, for log collectors)."
              + " Env: SCHEMAGATE_LOG_FORMAT. Default: ${DEFAULT-VALUE}.")
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
