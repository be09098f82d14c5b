package dev.schemagate.gate;

import dev.schemagate.connection.PostgresConnectionInfo;
import dev.schemagate.diagnostics.ConfigBanner;
import dev.schemagate.env.ResolvedEnv;
import dev.schemagate.env.ServiceRole;
import dev.schemagate.masking.Masker;
import dev.schemagate.schema.FlywayCheck;
import dev.schemagate.schema.SchemaReport;
import dev.schemagate.schema.SchemaRequirements;
import dev.schemagate.schema.SchemaVerifier;
import dev.schemagate.schema.VerificationOutcome;
import dev.schemagate.schema.VerificationReason;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The schema gate: prints the masked boot diagnostics, checks the schema and answers with an exit
 * code. Runs at every pod start, so it touches nothing but the JDBC driver and the schema classes.
 *
 * <p>Everything it prints passes a {@link Masker} that knows the database URL and every value the
 * environment marks as coming from a Secret.
 */
public final class SchemaGate {

  /** Every required object is present (and the Flyway history, if asked, is fine). */
  public static final int EXIT_PASSED = 0;

  /** The check ran and something is missing: run the migration. */
  public static final int EXIT_OUTDATED = 1;

  /** The check could not run on any attempt: the database did not answer, or refused. */
  public static final int EXIT_UNREACHABLE = 2;

  /** The gate itself is configured wrongly (requirements, database URL, options). */
  public static final int EXIT_CONFIGURATION = 3;

  public static final String CHECKING = "🔍 Performing quick schema check...";
  public static final String PASSED = "✅ Schema check passed - all required tables present";
  public static final String OUTDATED_HEADER = "❌ CRITICAL: DB schema appears outdated!";
  public static final String OUTDATED_FOOTER = "❌ DB schema outdated, run migrate";
  public static final String DRIFTED = "❌ DB schema drifted";

  /** Pauses between attempts; tests may pass one that does not sleep. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  public static final String UNREACHABLE_PREFIX = "❌ Database did not answer: ";

  private static final int MAX_ITEMS = 20;

  private final PrintWriter out;
  private final Sleeper sleeper;
  private Masker masker;

  public SchemaGate(PrintWriter out, Sleeper sleeper) {
    this.out = out;
    this.sleeper = sleeper;
  }

  public SchemaGate(PrintWriter out) {
    this(out, d -> Thread.sleep(d.toMillis()));
  }

  /** Resolves the options against {@code env} and runs; returns the exit code. */
  public int run(GateSettings.Options options, Map<String, String> env) {
    ResolvedEnv resolved = ResolvedEnv.fromProcess(env);
    masker = resolved.masker();
    GateSettings settings;
    try {
      settings = GateSettings.resolve(options, env);
    } catch (GateConfigException e) {
      String urlEnv =
          options.databaseUrlEnv() == null
              ? GateSettings.DEFAULT_DATABASE_URL_ENV
              : options.databaseUrlEnv();
      knowSecret(env.get(urlEnv));
      knowSecret(env.get(GateSettings.DEFAULT_DATABASE_URL_ENV));
      String role = options.role() != null ? options.role() : env.get(ServiceRole.ENV_NAME);
      print(ConfigBanner.atBoot(role, List.of(), resolved).render());
      return configurationError(e);
    }
    return run(settings, resolved);
  }

  private int run(GateSettings settings, ResolvedEnv resolved) {
    String url = settings.env().get(settings.databaseUrlEnv());
    knowSecret(url);
    print(ConfigBanner.atBoot(settings.role(), settings.diagnosticsEnv(), resolved).render());
    SchemaRequirements requirements;
    PostgresConnectionInfo connection;
    try {
      requirements = settings.requirements();
      connection = parse(settings.databaseUrl(), settings.databaseUrlEnv());
    } catch (GateConfigException e) {
      return configurationError(e);
    }
    print(CHECKING);
    VerificationOutcome outcome = null;
    for (int attempt = 1; attempt <= settings.attempts(); attempt++) {
      outcome =
          SchemaVerifier.check(
              SchemaVerifier.connector(connection, settings.timeout()),
              requirements,
              settings.timeout());
      if (!(outcome instanceof VerificationOutcome.Failed failed) || !failed.reason().retryable()) {
        break;
      }
      boolean last = attempt == settings.attempts();
      print(
          "⏳ Attempt "
              + attempt
              + "/"
              + settings.attempts()
              + " ("
              + failed.reason()
              + "): "
              + failed.message()
              + (last ? "" : " - retrying in " + describe(settings.retryDelay())));
      if (!last) {
        try {
          sleeper.sleep(settings.retryDelay());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    return finish(outcome);
  }

  private int finish(VerificationOutcome outcome) {
    if (outcome instanceof VerificationOutcome.Checked checked) {
      SchemaReport report = checked.report();
      if (report.verified()) {
        print(PASSED);
        print("📍 " + report.message());
        print(ConfigBanner.RULE);
        return EXIT_PASSED;
      }
      print(ConfigBanner.RULE);
      print(OUTDATED_HEADER);
      for (String problem : problems(report)) {
        print("❌ " + problem);
      }
      print(footer(report));
      print(ConfigBanner.RULE);
      return EXIT_OUTDATED;
    }
    VerificationOutcome.Failed failed = (VerificationOutcome.Failed) outcome;
    print(ConfigBanner.RULE);
    if (failed.reason() == VerificationReason.DatabaseUnreachable) {
      print(UNREACHABLE_PREFIX + withoutPrefix(failed.message()));
    } else {
      print("❌ Schema check could not run (" + failed.reason() + "): " + failed.message());
    }
    print(ConfigBanner.RULE);
    return EXIT_UNREACHABLE;
  }

  /**
   * What to do about a schema that fails the check. When the Flyway history reaches the required
   * version with no failed migration and objects are missing all the same, running migrate again
   * changes nothing (it would say "up to date"): the schema drifted from its history (something
   * dropped or changed objects outside the migrations), or the required version is below the
   * migration that creates them.
   */
  static String footer(SchemaReport report) {
    FlywayCheck flyway = report.flyway();
    boolean historyUpToDate =
        flyway != null
            && flyway.minVersion() != null
            && flyway.minVersionReached()
            && flyway.failedMigrations().isEmpty();
    if (!historyUpToDate || !report.schemaFound()) {
      return OUTDATED_FOOTER;
    }
    return DRIFTED
        + ": the Flyway history is at version "
        + flyway.highestVersion()
        + " (needs "
        + flyway.minVersion()
        + ") with no failed migration, yet the objects above are missing - dropped or changed"
        + " outside the migrations. migrate would change nothing: restore them, or add a"
        + " migration that creates them (and raise schema.flyway.minVersion to it)";
  }

  /** One line per problem, in the report's order: schema, tables, columns, indexes, Flyway. */
  static List<String> problems(SchemaReport report) {
    List<String> lines = new ArrayList<>();
    if (!report.schemaFound()) {
      lines.add("Schema " + report.schema() + " not found");
    }
    if (!report.missingTables().isEmpty()) {
      lines.add("Missing tables: " + list(report.missingTables()));
    }
    perTable(lines, "Missing columns in ", report.missingColumnsByTable());
    perTable(lines, "Missing indexes on ", report.missingIndexesByTable());
    FlywayCheck flyway = report.flyway();
    if (flyway != null && !flyway.passed()) {
      if (!flyway.tableFound()) {
        lines.add(flyway.problem());
      } else {
        if (!flyway.failedMigrations().isEmpty()) {
          lines.add("Failed Flyway migrations: " + list(flyway.failedMigrations()));
        }
        if (!flyway.minVersionReached()) {
          lines.add(
              flyway.highestVersion() == null
                  ? "Flyway history has no successful migration, needs " + flyway.minVersion()
                  : "Flyway history at "
                      + flyway.highestVersion()
                      + ", needs "
                      + flyway.minVersion());
        }
      }
    }
    return lines;
  }

  private static void perTable(List<String> lines, String prefix, Map<String, List<String>> m) {
    int shown = 0;
    for (Map.Entry<String, List<String>> entry : m.entrySet()) {
      if (shown++ == MAX_ITEMS) {
        lines.add(prefix + (m.size() - MAX_ITEMS) + " more tables");
        return;
      }
      lines.add(prefix + entry.getKey() + ": " + list(entry.getValue()));
    }
  }

  private static String list(List<String> items) {
    if (items.size() <= MAX_ITEMS) {
      return "[" + String.join(", ", items) + "]";
    }
    return "["
        + String.join(", ", items.subList(0, MAX_ITEMS))
        + ", ... "
        + (items.size() - MAX_ITEMS)
        + " more]";
  }

  private int configurationError(GateConfigException e) {
    print(ConfigBanner.RULE);
    print("❌ Configuration error: " + e.getMessage());
    print(ConfigBanner.RULE);
    return EXIT_CONFIGURATION;
  }

  private static PostgresConnectionInfo parse(String url, String variable) {
    try {
      return PostgresConnectionInfo.parse(url);
    } catch (IllegalArgumentException e) {
      throw new GateConfigException(variable + " is not a usable database URL: " + e.getMessage());
    }
  }

  private void knowSecret(String value) {
    if (value != null && !value.isBlank()) {
      masker = masker.plusKnownSecrets(List.of(value));
    }
  }

  /** The verifier's message may already begin with the same words; say them once. */
  private static String withoutPrefix(String message) {
    String said = "Database did not answer: ";
    return message.startsWith(said) ? message.substring(said.length()) : message;
  }

  private static String describe(Duration d) {
    long millis = d.toMillis();
    return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
  }

  private void print(String text) {
    out.println(masker.maskText(text));
    out.flush();
  }
}
