package dev.schemagate.cli;

import dev.schemagate.env.ServiceRole;
import dev.schemagate.gate.GateEnvironment;
import dev.schemagate.gate.GateSettings;
import dev.schemagate.gate.SchemaGate;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The schema gate: prints masked boot diagnostics and checks the required schema exists. Runs as an
 * init container at every pod start, so it loads no Kubernetes client classes.
 *
 * <p>An option not given (or given blank) takes its value from the environment variable named in
 * its description, else its built-in default: {@link GateDefaults}, which reads the environment of
 * {@link GateEnvironment} so that tests can give it one. {@link GateSettings#resolve} checks and
 * converts the values, so that a bad one is reported after the boot diagnostics.
 */
@Command(
    name = GateSettings.COMMAND,
    defaultValueProvider = GateDefaults.class,
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    exitCodeOnInvalidInput = ExitCodes.CONFIGURATION,
    description = {
      "Check that the tables, columns and indexes an application needs exist in the database in"
          + " DATABASE_URL; exit 1 with \"DB schema outdated, run migrate\" when they do not.",
      "Prints the boot diagnostics first (DATABASE_URL, REDIS_URL, SERVICE_ROLE and the"
          + " variables of --diagnostics-env, masked), then the result. Every option can also be"
          + " set by the environment variable named in its description; the option wins."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:schema check passed: every required table, column and index is present",
      "1:schema outdated: something is missing, or the Flyway history is behind or failed",
      "2:the check could not run on any attempt; the line printed names the reason:"
          + " DatabaseUnreachable (the database did not answer), DatabaseTlsFailed (it refused the"
          + " TLS connection), DatabaseAuthFailed (it refused"
          + " the login), PermissionDenied, VerificationError",
      "3:configuration error: requirements, database URL or an option is missing or invalid"
    })
final class CheckSchemaCommand implements Callable<Integer> {

  @Mixin LoggingOptions logging;

  @Spec CommandSpec spec;

  @Option(
      names = GateSettings.REQUIREMENTS_FILE_OPTION,
      paramLabel = "<path>",
      description =
          "File holding the schema requirements as JSON. Env: "
              + GateSettings.REQUIREMENTS_FILE_ENV
              + ". Without it, the JSON itself is read from env "
              + GateSettings.REQUIREMENTS_ENV
              + "; the file wins when both are set.")
  String requirementsFile;

  @Option(
      names = GateSettings.DATABASE_URL_ENV_OPTION,
      paramLabel = "<NAME>",
      description =
          "NAME of the environment variable holding the database URL (never the URL itself)."
              + " Env: "
              + GateSettings.DATABASE_URL_ENV_ENV
              + ". Default: "
              + GateSettings.DEFAULT_DATABASE_URL_ENV
              + ".")
  String databaseUrlEnv;

  @Option(
      names = GateSettings.TIMEOUT_OPTION,
      paramLabel = "<seconds>",
      description =
          "Bound on connecting and on each query of one attempt, in seconds. Env: "
              + GateSettings.TIMEOUT_ENV
              + ". Default: "
              + GateSettings.DEFAULT_TIMEOUT
              + ".")
  String timeout;

  @Option(
      names = GateSettings.ATTEMPTS_OPTION,
      paramLabel = "<n>",
      description =
          "Tries while the database does not answer (or refuses). Env: "
              + GateSettings.ATTEMPTS_ENV
              + ". Default: "
              + GateSettings.DEFAULT_ATTEMPTS
              + ".")
  String attempts;

  @Option(
      names = GateSettings.RETRY_DELAY_OPTION,
      paramLabel = "<seconds>",
      description =
          "Pause between tries, in seconds. Env: "
              + GateSettings.RETRY_DELAY_ENV
              + ". Default: "
              + GateSettings.DEFAULT_RETRY_DELAY
              + ".")
  String retryDelay;

  @Option(
      names = GateSettings.ROLE_OPTION,
      paramLabel = "<role>",
      description =
          "The component's role, named in the diagnostics title. Env: "
              + ServiceRole.ENV_NAME
              + ". Default: "
              + GateSettings.DEFAULT_ROLE
              + ".")
  String role;

  @Option(
      names = GateSettings.DIAGNOSTICS_ENV_OPTION,
      paramLabel = "<NAME,...>",
      description =
          "Comma-separated names of further environment variables to show (masked) in the"
              + " diagnostics. Env: "
              + GateSettings.DIAGNOSTICS_ENV
              + ".")
  String diagnosticsEnv;

  @Override
  public Integer call() {
    logging.apply();
    GateSettings.Options options =
        new GateSettings.Options(
            given(requirementsFile, GateSettings.REQUIREMENTS_FILE_OPTION),
            given(databaseUrlEnv, GateSettings.DATABASE_URL_ENV_OPTION),
            given(timeout, GateSettings.TIMEOUT_OPTION),
            given(attempts, GateSettings.ATTEMPTS_OPTION),
            given(retryDelay, GateSettings.RETRY_DELAY_OPTION),
            given(role, GateSettings.ROLE_OPTION),
            given(diagnosticsEnv, GateSettings.DIAGNOSTICS_ENV_OPTION));
    return new SchemaGate(spec.commandLine().getOut()).run(options, GateEnvironment.current());
  }

  /** A blank value given on the command line counts as not given: the default applies. */
  private static String given(String value, String option) {
    return value == null || value.isBlank() ? GateDefaults.of(option) : value;
  }
}
