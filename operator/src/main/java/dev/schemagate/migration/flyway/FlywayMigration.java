package dev.schemagate.migration.flyway;

import dev.schemagate.schema.SqlFailures;
import dev.schemagate.schema.VerificationOutcome;
import dev.schemagate.schema.VerificationReason;
import dev.schemagate.secrets.Masker;
import dev.schemagate.secrets.PostgresConnectionInfo;
import dev.schemagate.secrets.ResolvedEnv;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.core.internal.exception.FlywayMigrateException;
import org.flywaydb.database.postgresql.PostgreSQLConfigurationExtension;

/**
 * {@code schemagate migrate}: runs the Flyway SQL files of one directory against the database and
 * answers with an exit code. Prints checkpoint lines for the Job's log; everything printed passes a
 * {@link Masker} that knows the database URL and every value the environment marks as coming from a
 * Secret.
 */
public final class FlywayMigration {

  /** Every pending migration was applied, or none was pending. */
  public static final int EXIT_OK = 0;

  /** A migration (or the validation of the history against the files) failed. */
  public static final int EXIT_FAILED = 1;

  /**
   * The database could not be used: it did not answer ({@link
   * VerificationReason#DatabaseUnreachable}) or refused the login ({@link
   * VerificationReason#DatabaseAuthFailed}), or connecting failed otherwise. {@link SqlFailures}
   * tells which, as it does for {@code schemagate check-schema}, and the line printed names it.
   */
  public static final int EXIT_UNREACHABLE = 2;

  /** Options, directory or database URL missing or invalid. */
  public static final int EXIT_CONFIGURATION = 3;

  public static final String CHECKPOINT = "🔧 MIGRATION CHECKPOINT: ";

  private final PrintWriter out;
  private Masker masker;

  public FlywayMigration(PrintWriter out) {
    this.out = out;
  }

  /** Resolves the options against {@code env} and runs; returns the exit code. */
  public int run(MigrateSettings.Options options, Map<String, String> env) {
    masker = ResolvedEnv.fromProcess(env).masker();
    knowSecret(env.get(MigrateSettings.DEFAULT_DATABASE_URL_ENV));
    knowSecret(env.get(MigrateSettings.FALLBACK_DATABASE_URL_ENV));
    if (options.databaseUrlEnv() != null && !options.databaseUrlEnv().isBlank()) {
      knowSecret(env.get(options.databaseUrlEnv().strip()));
    }
    MigrateSettings settings;
    PostgresConnectionInfo info;
    try {
      settings = MigrateSettings.resolve(options, env);
      knowSecret(settings.databaseUrl());
      info = parse(settings);
    } catch (MigrateConfigException e) {
      print("❌ Configuration error: " + e.getMessage());
      return EXIT_CONFIGURATION;
    }
    return run(settings, info);
  }

  private int run(MigrateSettings settings, PostgresConnectionInfo info) {
    PostgresDataSource dataSource = new PostgresDataSource(info, settings.timeout());
    try (Connection ignored = dataSource.getConnection()) {
      print(CHECKPOINT + "connected to " + info.displayUrl());
    } catch (SQLException | RuntimeException e) {
      VerificationOutcome.Failed failed = SqlFailures.classify(e, "Database connection failed");
      print(
          "❌ Migration could not run ("
              + failed.reason()
              + "): "
              + failed.message()
              + " - "
              + info.displayUrl()
              + ", timeout "
              + settings.timeout().toSeconds()
              + "s");
      return EXIT_UNREACHABLE;
    }
    FluentConfiguration configuration =
        Flyway.configure()
            .dataSource(dataSource)
            .locations("filesystem:" + settings.location())
            .schemas(settings.schema())
            .defaultSchema(settings.schema())
            // Off until the spec can name placeholders: on, any ${...} in the SQL (a default
            // 'Hello ${name}', a template in a string) fails the migration as an unknown
            // placeholder. The checksum is of the file as written either way.
            .placeholderReplacement(false)
            .baselineOnMigrate(settings.baselineOnMigrate())
            .baselineVersion(settings.baselineVersion())
            .validateOnMigrate(true)
            .cleanDisabled(true)
            .callbacks(new ProgressCallback(this::print));
    // A session-level lock instead of Flyway's transactional one: that transaction stays open for
    // the whole run, and CREATE INDEX CONCURRENTLY waits for every open transaction to end - the
    // migration would wait on its own lock forever.
    configuration
        .getPluginRegister()
        .getPlugin(PostgreSQLConfigurationExtension.class)
        .setTransactionalLock(false);
    Flyway flyway = configuration.load();
    try {
      MigrationInfoService before = flyway.info();
      MigrationInfo current = before.current();
      print(
          CHECKPOINT
              + "schema "
              + settings.schema()
              + ", current version: "
              + (current == null ? "none" : version(current.getVersion())));
      MigrationInfo[] pending = before.pending();
      if (before.all().length == 0) {
        print(
            "⚠️ "
                + CHECKPOINT
                + "no V<version>__<description>.sql files in "
                + settings.location());
      }
      print(
          CHECKPOINT
              + pending.length
              + " pending migration"
              + (pending.length == 1 ? "" : "s")
              + " in "
              + settings.location());
      MigrateResult result = flyway.migrate();
      if (!result.success) {
        print("❌ MIGRATION FAILED: Flyway reported failure");
        return EXIT_FAILED;
      }
      if (current == null) {
        for (MigrationInfo applied : flyway.info().applied()) {
          if (applied.getType() != null && applied.getType().isBaseline()) {
            print(
                CHECKPOINT
                    + "existing schema baselined at version "
                    + version(applied.getVersion())
                    + " (--baseline-on-migrate): migrations up to it were not run");
          }
        }
      }
      String target =
          result.targetSchemaVersion != null
              ? result.targetSchemaVersion
              : currentVersion(flyway.info().current());
      if (result.migrationsExecuted == 0) {
        print("✅ " + CHECKPOINT + "schema is up to date (version " + target + ")");
      } else {
        print(
            "✅ "
                + CHECKPOINT
                + "applied "
                + result.migrationsExecuted
                + " migration"
                + (result.migrationsExecuted == 1 ? "" : "s")
                + ", schema now at version "
                + target);
      }
      return EXIT_OK;
    } catch (FlywayMigrateException e) {
      MigrationInfo failed = e.getMigration();
      String which =
          failed == null ? "a migration" : name(failed) + " (" + failed.getScript() + ")";
      print("❌ MIGRATION FAILED: " + which + ": " + databaseError(e));
      if (e.isExecutableInTransaction()) {
        print(
            "❌ its changes were rolled back; migrations before it stay applied. Fix the script"
                + " and run migrate again.");
      } else {
        print(
            "❌ it ran outside a transaction: its changes may be partly applied. Repair the"
                + " schema and the Flyway history before running migrate again.");
      }
      return EXIT_FAILED;
    } catch (FlywayException e) {
      VerificationOutcome.Failed failed = SqlFailures.classify(e, "Migration failed");
      if (failed.reason() == VerificationReason.DatabaseUnreachable
          || failed.reason() == VerificationReason.DatabaseAuthFailed) {
        print("❌ Migration stopped (" + failed.reason() + "): " + failed.message());
        return EXIT_UNREACHABLE;
      }
      print("❌ MIGRATION FAILED: " + masker.maskThrowable(e));
      String message = String.valueOf(e.getMessage());
      if (message.contains("non-empty schema")) {
        print(
            "❌ the schema already holds tables but has no Flyway history: pass"
                + " --baseline-on-migrate (migration.flyway.baselineOnMigrate) to record"
                + " --baseline-version as applied");
      }
      return EXIT_FAILED;
    }
  }

  /** {@code V115 calendars}; for a baseline or repeatable migration, its description only. */
  static String name(MigrationInfo migration) {
    if (migration.getVersion() == null) {
      return "R " + migration.getDescription();
    }
    return "V" + version(migration.getVersion()) + " " + migration.getDescription();
  }

  private static String version(MigrationVersion version) {
    return version == null ? "none" : version.getVersion();
  }

  private static String currentVersion(MigrationInfo info) {
    return info == null ? "none" : version(info.getVersion());
  }

  /** The database's own message (SQL state and text) when there is one, else Flyway's. */
  private String databaseError(FlywayException e) {
    SQLException sql = sqlCause(e);
    if (sql != null) {
      String state = sql.getSQLState() == null ? "" : " [SQL state " + sql.getSQLState() + "]";
      return masker.maskText(sql.getMessage()) + state;
    }
    return masker.maskThrowable(e);
  }

  private static SQLException sqlCause(Throwable t) {
    for (int depth = 0; t != null && depth < 10; depth++, t = t.getCause()) {
      if (t instanceof SQLException sql) {
        return sql;
      }
    }
    return null;
  }

  private static PostgresConnectionInfo parse(MigrateSettings settings) {
    try {
      return PostgresConnectionInfo.parse(settings.databaseUrl());
    } catch (IllegalArgumentException e) {
      throw new MigrateConfigException(
          settings.databaseUrlEnv() + " is not a usable database URL: " + e.getMessage());
    }
  }

  private void knowSecret(String value) {
    if (value != null && !value.isBlank()) {
      masker = masker.plusKnownSecrets(List.of(value));
    }
  }

  private void print(String text) {
    out.println(masker.maskText(text));
    out.flush();
  }
}
