package dev.schemagate.cli;

import dev.schemagate.gate.GateEnvironment;
import dev.schemagate.migrate.FlywayMigration;
import dev.schemagate.migrate.FlywaySettings;
import dev.schemagate.migrate.MigrateSettings;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The Job of {@code migration.flyway}: runs Flyway SQL files from mounted ConfigMaps or from a
 * directory the application image's files were copied into.
 *
 * <p>Env-backed options have no picocli {@code ${env:}} default: {@link MigrateSettings#resolve}
 * reads the environment itself (from {@link GateEnvironment}), so that tests can give it one.
 */
@Command(
    name = MigrateSettings.COMMAND,
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
      "1:a migration failed or the history does not match the files; the report names the file,"
          + " the line and the statement, and what the failure leaves behind",
      "2:the database could not be used; the line printed names the reason, as check-schema"
          + " does: DatabaseUnreachable (it did not answer), DatabaseTlsFailed (it refused the TLS"
          + " connection), DatabaseAuthFailed (it refused the"
          + " login)",
      "3:configuration error: directory, database URL or an option is missing or invalid",
      "4:stopped by --deadline: the report names the migration that was running, the state it"
          + " leaves and how to go on (stopped by SIGTERM: the same report, then status 143)"
    })
final class MigrateCommand implements Callable<Integer> {

  @Mixin LoggingOptions logging;

  @Spec CommandSpec spec;

  @Option(
      names = MigrateSettings.LOCATION_OPTION,
      paramLabel = "<dir>",
      description =
          "Directory holding the V<version>__<description>.sql files; repeat it for several"
              + " directories, read as one set. Env: "
              + MigrateSettings.LOCATION_ENV
              + " (comma-separated).")
  List<String> locations;

  @Option(
      names = MigrateSettings.SCHEMA_OPTION,
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
      names = FlywaySettings.BASELINE_ON_MIGRATE_OPTION,
      description =
          "When the schema holds tables but no Flyway history, record --baseline-version as"
              + " applied and run only the migrations above it.")
  boolean baselineOnMigrate;

  @Option(
      names = FlywaySettings.BASELINE_VERSION_OPTION,
      paramLabel = "<version>",
      description =
          "Version recorded by --baseline-on-migrate. Default: "
              + MigrateSettings.DEFAULT_BASELINE_VERSION
              + ".")
  String baselineVersion;

  @Option(
      names = FlywaySettings.PLACEHOLDERS_OPTION,
      description =
          // $${ is picocli's escape for a literal ${ in help text.
          "Replace $${name} in the SQL with the value of --placeholder name=value (and Flyway's"
              + " built-in $${flyway:...}). Off unless given: then $${...} is left as written.")
  boolean placeholders;

  @Option(
      names = FlywaySettings.PLACEHOLDER_OPTION,
      paramLabel = "<name=value>",
      description = "A placeholder's value; repeat for several. Needs --placeholders.")
  List<String> placeholderValues;

  @Option(
      names = FlywaySettings.PLACEHOLDER_PREFIX_OPTION,
      paramLabel = "<text>",
      description = "What opens a placeholder. Needs --placeholders. Default: $${.")
  String placeholderPrefix;

  @Option(
      names = FlywaySettings.PLACEHOLDER_SUFFIX_OPTION,
      paramLabel = "<text>",
      description = "What closes a placeholder. Needs --placeholders. Default: }.")
  String placeholderSuffix;

  @Option(
      names = FlywaySettings.MIXED_OPTION,
      description =
          "Allow a migration that mixes statements PostgreSQL runs only outside a transaction"
              + " (CREATE INDEX CONCURRENTLY, ...) with others; such a file then runs outside a"
              + " transaction. Without it such a file fails before any of it runs.")
  boolean mixed;

  @Option(
      names = FlywaySettings.ENCODING_OPTION,
      paramLabel = "<charset>",
      description = "Encoding of the SQL files, e.g. ISO-8859-1. Default: UTF-8.")
  String encoding;

  @Option(
      names = FlywaySettings.TRANSACTIONAL_LOCK_OPTION,
      description =
          "Take Flyway's lock in a transaction held for the whole run (Flyway's own default)"
              + " instead of a session lock. CREATE INDEX CONCURRENTLY waits for that transaction"
              + " and never finishes: leave it off unless a pooler in transaction mode needs it.")
  boolean transactionalLock;

  @Option(
      names = FlywaySettings.OUT_OF_ORDER_OPTION,
      description = "Also apply pending migrations whose version is below the current one.")
  boolean outOfOrder;

  @Option(
      names = FlywaySettings.TARGET_OPTION,
      paramLabel = "<version>",
      description = "Migrate up to this version and no further. Default: the latest.")
  String target;

  @Option(
      names = FlywaySettings.TABLE_OPTION,
      paramLabel = "<name>",
      description =
          "Name of Flyway's history table, in --schema. Default: "
              + FlywaySettings.DEFAULT_TABLE
              + ".")
  String table;

  @Option(
      names = MigrateSettings.DEADLINE_OPTION,
      paramLabel = "<seconds>",
      description =
          "Stop the run after this many seconds: the statement running is cancelled, and the"
              + " report says which migration it was, what it leaves and how to go on (exit 4)."
              + " Reads wait at most this plus 30 s. Env: "
              + MigrateSettings.DEADLINE_ENV
              + ". Default: no deadline.")
  String deadline;

  @Option(
      names = "--repair",
      description =
          "Repair the history instead of migrating: remove the rows of failed migrations and"
              + " realign checksums with the files. Undo what a failed non-transactional migration"
              + " left first (docs/operations.md).")
  boolean repair;

  @Option(
      names = MigrateSettings.DATABASE_URL_ENV_OPTION,
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
      names = MigrateSettings.TIMEOUT_OPTION,
      paramLabel = "<seconds>",
      description =
          "Bound on connecting to the database, in seconds (migrations are bounded by"
              + " --deadline). Env: "
              + MigrateSettings.TIMEOUT_ENV
              + ". Default: "
              + MigrateSettings.DEFAULT_TIMEOUT
              + ".")
  String timeout;

  @Override
  public Integer call() {
    logging.apply();
    FlywaySettings.Options flyway =
        new FlywaySettings.Options(
            baselineOnMigrate,
            baselineVersion,
            placeholders,
            placeholderValues,
            placeholderPrefix,
            placeholderSuffix,
            mixed,
            encoding,
            transactionalLock,
            outOfOrder,
            target,
            table);
    MigrateSettings.Options options =
        new MigrateSettings.Options(locations, schema, flyway, databaseUrlEnv, timeout, deadline);
    return new FlywayMigration(spec.commandLine().getOut(), logging.format == LogFormat.json)
        .run(options, GateEnvironment.current(), repair);
  }
}
