package dev.schemagate.migrate;

import dev.schemagate.connection.PostgresConnectionInfo;
import dev.schemagate.env.ResolvedEnv;
import dev.schemagate.masking.Masker;
import dev.schemagate.schema.SqlFailures;
import dev.schemagate.schema.VerificationOutcome;
import dev.schemagate.schema.VerificationReason;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.core.api.output.RepairResult;
import org.flywaydb.core.internal.exception.FlywayMigrateException;

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

  /**
   * The run was stopped before it finished: its {@code --deadline} passed. (Stopped by SIGTERM, the
   * process ends with the signal's status, 143, after printing the same report.)
   */
  public static final int EXIT_STOPPED = 4;

  public static final String CHECKPOINT = "🔧 MIGRATION CHECKPOINT: ";

  private final PrintWriter out;
  private final boolean json;
  private MigrationOutput output;

  public FlywayMigration(PrintWriter out) {
    this(out, false);
  }

  /**
   * @param json one JSON object per line instead of text
   */
  public FlywayMigration(PrintWriter out, boolean json) {
    this.out = out;
    this.json = json;
  }

  /** Resolves the options against {@code env} and migrates; returns the exit code. */
  public int run(MigrateSettings.Options options, Map<String, String> env) {
    return run(options, env, false);
  }

  /**
   * Resolves the options against {@code env}, then migrates or, with {@code repair}, repairs the
   * history (removes failed rows, realigns checksums and descriptions with the files) and migrates
   * nothing; returns the exit code.
   */
  public int run(MigrateSettings.Options options, Map<String, String> env, boolean repair) {
    output =
        new MigrationOutput(out, json, ResolvedEnv.fromProcess(env).masker(), Clock.systemUTC());
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
      output.error("❌ Configuration error: " + e.getMessage());
      return EXIT_CONFIGURATION;
    }
    FlywayEnvironment.ignored(env).forEach(output::warn);
    PostgresDataSource dataSource =
        new PostgresDataSource(info, settings.timeout(), settings.deadline());
    try (Connection ignored = dataSource.getConnection()) {
      output.info(CHECKPOINT + "connected to " + info.displayUrl());
    } catch (SQLException | RuntimeException e) {
      VerificationOutcome.Failed failed = SqlFailures.classify(e, "Database connection failed");
      output.error(
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
    MigrationProgress progress = new MigrationProgress(output, System::nanoTime);
    Flyway flyway =
        settings
            .flyway()
            .applyTo(Flyway.configure())
            .dataSource(dataSource)
            .locations(
                settings.locations().stream().map(p -> "filesystem:" + p).toArray(String[]::new))
            .schemas(settings.schema())
            .defaultSchema(settings.schema())
            .callbacks(progress)
            .load();
    if (repair) {
      return repair(flyway, settings);
    }
    MigrationStop stop = new MigrationStop(dataSource, progress, output, settings.flyway().table());
    try (SigtermHook ignored = new SigtermHook(stop);
        MigrationWatchdog watchdog =
            new MigrationWatchdog(progress, stop, output, settings.deadline())) {
      return migrate(flyway, settings, progress);
    } finally {
      stop.close();
    }
  }

  private int migrate(Flyway flyway, MigrateSettings settings, MigrationProgress progress) {
    MigrationInfo current = null;
    try {
      MigrationInfoService before = flyway.info();
      current = before.current();
      output.info(
          CHECKPOINT
              + "schema "
              + settings.schema()
              + ", current version: "
              + (current == null ? "none" : version(current.getVersion())));
      MigrationInfo[] pending = before.pending();
      if (before.all().length == 0) {
        output.warn(
            "⚠️ " + CHECKPOINT + "no V<version>__<description>.sql files in " + where(settings));
      }
      output.info(
          CHECKPOINT
              + pending.length
              + " pending migration"
              + (pending.length == 1 ? "" : "s")
              + " in "
              + where(settings));
      long started = System.nanoTime();
      MigrateResult result = flyway.migrate();
      if (!result.success) {
        output.error("❌ MIGRATION FAILED: Flyway reported failure");
        return EXIT_FAILED;
      }
      if (current == null) {
        for (MigrationInfo applied : flyway.info().applied()) {
          if (applied.getType() != null && applied.getType().isBaseline()) {
            output.info(
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
      long millis = (System.nanoTime() - started) / 1_000_000;
      if (result.migrationsExecuted == 0) {
        output.info(
            "✅ " + CHECKPOINT + "schema is up to date (version " + target + ")",
            Map.of("version", target, "applied", 0));
      } else {
        output.info(
            "✅ "
                + CHECKPOINT
                + "applied "
                + result.migrationsExecuted
                + " migration"
                + (result.migrationsExecuted == 1 ? "" : "s")
                + " in "
                + millis
                + " ms, schema now at version "
                + target,
            Map.of("version", target, "applied", result.migrationsExecuted, "millis", millis));
      }
      return EXIT_OK;
    } catch (FlywayMigrateException e) {
      MigrationInfo failed = e.getMigration();
      boolean transactional = e.isExecutableInTransaction();
      report(
          new FailureReport(
              failed == null ? null : name(failed),
              StatementError.of(e, failed == null ? null : failed.getScript()),
              transactional,
              !transactional && failed != null && recordedAsFailed(flyway, failed),
              progress.stopped(),
              settings.schema(),
              settings.flyway().table(),
              safeCurrentVersion(flyway)));
      return progress.stopped() != null ? EXIT_STOPPED : EXIT_FAILED;
    } catch (FlywayException e) {
      return otherFailure(flyway, settings, progress, e);
    }
  }

  private int otherFailure(
      Flyway flyway, MigrateSettings settings, MigrationProgress progress, FlywayException e) {
    VerificationOutcome.Failed failed = SqlFailures.classify(e, "Migration failed");
    if (failed.reason() == VerificationReason.DatabaseUnreachable
        || failed.reason() == VerificationReason.DatabaseAuthFailed
        || failed.reason() == VerificationReason.DatabaseTlsFailed) {
      output.error("❌ Migration stopped (" + failed.reason() + "): " + failed.message());
      return EXIT_UNREACHABLE;
    }
    if (progress.stopped() != null) {
      report(
          new FailureReport(
              null,
              null,
              true,
              false,
              progress.stopped(),
              settings.schema(),
              settings.flyway().table(),
              safeCurrentVersion(flyway)));
      return EXIT_STOPPED;
    }
    if (FailureHints.mixed(e)) {
      // Flyway refuses the file before running any of it; which file is the next pending one.
      MigrationInfo next = nextPending(flyway);
      StatementError error = StatementError.of(e, next == null ? null : next.getScript());
      output.error(
          "❌ MIGRATION FAILED: "
              + (next == null ? "a migration" : name(next))
              + " ("
              + error.where()
              + "): "
              + error.text(),
          error.details());
    } else {
      output.error("❌ MIGRATION FAILED: " + output.masker().maskThrowable(e));
    }
    FailureHints.of(e, settings.flyway().encoding()).ifPresent(output::error);
    return EXIT_FAILED;
  }

  private int repair(Flyway flyway, MigrateSettings settings) {
    try {
      RepairResult result = flyway.repair();
      int removed = result.migrationsRemoved == null ? 0 : result.migrationsRemoved.size();
      int aligned = result.migrationsAligned == null ? 0 : result.migrationsAligned.size();
      output.info(
          "✅ "
              + CHECKPOINT
              + "history repaired in schema "
              + settings.schema()
              + ": "
              + removed
              + " failed row"
              + (removed == 1 ? "" : "s")
              + " removed, "
              + aligned
              + " row"
              + (aligned == 1 ? "" : "s")
              + " realigned with the files; run migrate to apply what is pending",
          Map.of("removed", removed, "aligned", aligned));
      return EXIT_OK;
    } catch (FlywayException e) {
      output.error("❌ REPAIR FAILED: " + output.masker().maskThrowable(e));
      return EXIT_FAILED;
    }
  }

  private void report(FailureReport report) {
    report.lines().forEach(line -> output.error(line.text(), line.details()));
  }

  private static boolean recordedAsFailed(Flyway flyway, MigrationInfo migration) {
    try {
      for (MigrationInfo info : flyway.info().all()) {
        if (info.getState() != null
            && info.getState().isFailed()
            && java.util.Objects.equals(info.getVersion(), migration.getVersion())
            && java.util.Objects.equals(info.getScript(), migration.getScript())) {
          return true;
        }
      }
      return false;
    } catch (FlywayException e) {
      return false;
    }
  }

  private static MigrationInfo nextPending(Flyway flyway) {
    try {
      MigrationInfo[] pending = flyway.info().pending();
      return pending.length == 0 ? null : pending[0];
    } catch (FlywayException e) {
      return null;
    }
  }

  private static String safeCurrentVersion(Flyway flyway) {
    try {
      return currentVersion(flyway.info().current());
    } catch (FlywayException e) {
      return "unknown";
    }
  }

  private static String where(MigrateSettings settings) {
    return settings.locations().stream().map(Path::toString).collect(Collectors.joining(", "));
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
      output.maskWith(output.masker().plusKnownSecrets(List.of(value)));
    }
  }
}
