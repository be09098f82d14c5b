package dev.schemagate.cli;

import dev.schemagate.gate.GateEnvironment;
import dev.schemagate.migration.flyway.FlywayMigration;
import dev.schemagate.migration.flyway.MigrateSettings;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The Job of {@code migration.flyway}: runs Flyway SQL files from a mounted ConfigMap.
 *
 * <p>Env-backed options have no picocli {@code ${env:}} default: {@link MigrateSettings#resolve}
 * reads the environment itself (from {@link GateEnvironment}), so that tests can give it one.
 */
@Command(
    name = "migrate",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    exitCodeOnInvalidInput = ExitCodes.MIGRATION_CONFIGURATION,
    description = {
      "Run the Flyway SQL migrations (V<version>__<description>.sql) of a directory against the"
          + " database whose URL is in "
          + MigrateSettings.DEFAULT_DATABASE_URL_ENV
          + " (else "
          + MigrateSettings.FALLBACK_DATABASE_URL_ENV
          + "), validating the history against the files first.",
      "Prints masked checkpoint lines: the database, the current version, each migration applied"
          + " and its time, and the version reached."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:every pending migration was applied, or the schema was already up to date",
      "1:a migration failed (its transaction rolled back) or the history does not match the"
          + " files",
      "2:the database could not be used; the line printed names the reason, as check-schema"
          + " does: DatabaseUnreachable (it did not answer), DatabaseAuthFailed (it refused the"
          + " login)",
      "3:configuration error: directory, database URL or an option is missing or invalid"
    })
final class MigrateCommand implements Callable<Integer> {

  @Mixin LoggingOptions logging;

  @Spec CommandSpec spec;

  @Option(
      names = "--location",
      paramLabel = "<dir>",
      description =
          "Directory holding the V<version>__<description>.sql files. Env: "
              + MigrateSettings.LOCATION_ENV
              + ".")
  String location;

  @Option(
      names = "--schema",
      paramLabel = "<schema>",
      description =
          "Schema to migrate; Flyway's history table lives there too, and it is created when"
              + " missing. Env: "
              + MigrateSettings.SCHEMA_ENV
              + ". Default: "
              + MigrateSettings.DEFAULT_SCHEMA
              + ".")
  String schema;

  @Option(
      names = "--baseline-on-migrate",
      description =
          "When the schema holds tables but no Flyway history, record --baseline-version as"
              + " applied and run only the migrations above it.")
  boolean baselineOnMigrate;

  @Option(
      names = "--baseline-version",
      paramLabel = "<version>",
      description =
          "Version recorded by --baseline-on-migrate. Default: "
              + MigrateSettings.DEFAULT_BASELINE_VERSION
              + ".")
  String baselineVersion;

  @Option(
      names = "--database-url-env",
      paramLabel = "<NAME>",
      description =
          "NAME of the environment variable holding the database URL (never the URL itself)."
              + " Default: "
              + MigrateSettings.DEFAULT_DATABASE_URL_ENV
              + ", or "
              + MigrateSettings.FALLBACK_DATABASE_URL_ENV
              + " when that is unset.")
  String databaseUrlEnv;

  @Option(
      names = "--timeout",
      paramLabel = "<seconds>",
      description =
          "Bound on connecting to the database, in seconds (migrations themselves are not"
              + " bounded). Env: "
              + MigrateSettings.TIMEOUT_ENV
              + ". Default: "
              + MigrateSettings.DEFAULT_TIMEOUT
              + ".")
  String timeout;

  @Override
  public Integer call() {
    logging.apply();
    MigrateSettings.Options options =
        new MigrateSettings.Options(
            location, schema, baselineOnMigrate, baselineVersion, databaseUrlEnv, timeout);
    return new FlywayMigration(spec.commandLine().getOut()).run(options, GateEnvironment.current());
  }
}
