package dev.schemagate.migrate;

import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.database.postgresql.PostgreSQLConfigurationExtension;

/**
 * The Flyway settings {@code schemagate migrate} lets a project choose, validated, and how they
 * reach Flyway. Anything else is Flyway's default, except what schemagate fixes: clean is disabled,
 * the history is validated before migrating, and no setting is read from {@code FLYWAY_*} variables
 * or configuration files (the AppDeployment is the one place to set them).
 *
 * @param baselineOnMigrate baseline a non-empty schema that has no history table yet
 * @param baselineVersion the version such a baseline records
 * @param placeholders whether and how {@code ${name}} in the SQL is replaced
 * @param mixed allow transactional and non-transactional statements in one migration
 * @param encoding the encoding of the SQL files
 * @param transactionalLock take Flyway's PostgreSQL lock inside a transaction held for the whole
 *     run (Flyway's default) instead of a session lock; CREATE INDEX CONCURRENTLY never finishes
 *     with it
 * @param outOfOrder apply a migration whose version is below the current one
 * @param target the version to stop at; null for the latest
 * @param table the name of the history table
 */
public record FlywaySettings(
    boolean baselineOnMigrate,
    String baselineVersion,
    Placeholders placeholders,
    boolean mixed,
    Charset encoding,
    boolean transactionalLock,
    boolean outOfOrder,
    String target,
    String table) {

  public static final String BASELINE_ON_MIGRATE_OPTION = "--baseline-on-migrate";
  public static final String BASELINE_VERSION_OPTION = "--baseline-version";
  public static final String PLACEHOLDERS_OPTION = "--placeholders";
  public static final String PLACEHOLDER_OPTION = "--placeholder";
  public static final String PLACEHOLDER_PREFIX_OPTION = "--placeholder-prefix";
  public static final String PLACEHOLDER_SUFFIX_OPTION = "--placeholder-suffix";
  public static final String MIXED_OPTION = "--mixed";
  public static final String ENCODING_OPTION = "--encoding";
  public static final String TRANSACTIONAL_LOCK_OPTION = "--postgresql-transactional-lock";
  public static final String OUT_OF_ORDER_OPTION = "--out-of-order";
  public static final String TARGET_OPTION = "--target";
  public static final String TABLE_OPTION = "--table";

  public static final String DEFAULT_BASELINE_VERSION = "1";
  public static final String DEFAULT_TABLE = "flyway_schema_history";

  private static final Pattern VERSION = Pattern.compile("[0-9]+([._][0-9]+)*");
  private static final Pattern TABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
  private static final Pattern PLACEHOLDER_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,63}");

  /**
   * Placeholder replacement. Off unless asked: on, any {@code ${...}} Flyway does not know (a
   * column default {@code 'Hello ${name}'}, a template in a string) fails the migration.
   *
   * @param values name to value; {@code ${name}} becomes the value
   */
  public record Placeholders(
      boolean enabled, Map<String, String> values, String prefix, String suffix) {

    public static final Placeholders OFF = new Placeholders(false, Map.of(), "${", "}");

    public Placeholders {
      values = Map.copyOf(values);
    }
  }

  /** Raw values as given on the command line; null (or empty) when not given. */
  public record Options(
      boolean baselineOnMigrate,
      String baselineVersion,
      boolean placeholders,
      List<String> placeholderValues,
      String placeholderPrefix,
      String placeholderSuffix,
      boolean mixed,
      String encoding,
      boolean transactionalLock,
      boolean outOfOrder,
      String target,
      String table) {}

  /**
   * @throws MigrateConfigException naming the option whose value is not valid
   */
  public static FlywaySettings resolve(Options options) {
    String baselineVersion =
        blank(options.baselineVersion())
            ? DEFAULT_BASELINE_VERSION
            : options.baselineVersion().strip();
    if (!VERSION.matcher(baselineVersion).matches()) {
      throw new MigrateConfigException(
          BASELINE_VERSION_OPTION
              + " "
              + baselineVersion
              + " is not a Flyway version such as 1 or 2.1");
    }
    String target = blank(options.target()) ? null : options.target().strip();
    if (target != null && !VERSION.matcher(target).matches()) {
      throw new MigrateConfigException(
          TARGET_OPTION + " " + target + " is not a Flyway version such as 117 or 2.1");
    }
    String table = blank(options.table()) ? DEFAULT_TABLE : options.table().strip();
    if (!TABLE.matcher(table).matches()) {
      throw new MigrateConfigException(
          TABLE_OPTION
              + " "
              + table
              + " is not a plain table name (letters, digits and _, at most 63 characters)");
    }
    return new FlywaySettings(
        options.baselineOnMigrate(),
        baselineVersion,
        placeholders(options),
        options.mixed(),
        encoding(options.encoding()),
        options.transactionalLock(),
        options.outOfOrder(),
        target,
        table);
  }

  /** Hands the settings to Flyway, and fixes what no project may change. */
  public FluentConfiguration applyTo(FluentConfiguration configuration) {
    configuration
        .baselineOnMigrate(baselineOnMigrate)
        .baselineVersion(baselineVersion)
        .placeholderReplacement(placeholders.enabled())
        .placeholders(placeholders.values())
        .placeholderPrefix(placeholders.prefix())
        .placeholderSuffix(placeholders.suffix())
        .mixed(mixed)
        .encoding(encoding)
        .outOfOrder(outOfOrder)
        .table(table)
        .validateOnMigrate(true)
        .cleanDisabled(true);
    if (target != null) {
      configuration.target(target);
    }
    // Flyway's default lock is a transaction held open for the whole run; CREATE INDEX
    // CONCURRENTLY waits for every open transaction to end, so it would wait on the migration's
    // own lock forever. A session-level lock protects the same.
    configuration
        .getPluginRegister()
        .getPlugin(PostgreSQLConfigurationExtension.class)
        .setTransactionalLock(transactionalLock);
    return configuration;
  }

  private static Placeholders placeholders(Options options) {
    Map<String, String> values = new LinkedHashMap<>();
    List<String> given =
        options.placeholderValues() == null ? List.of() : options.placeholderValues();
    for (String pair : given) {
      int equals = pair.indexOf('=');
      String name = equals < 0 ? pair : pair.substring(0, equals);
      if (equals < 0 || !PLACEHOLDER_NAME.matcher(name).matches()) {
        throw new MigrateConfigException(
            PLACEHOLDER_OPTION
                + " takes name=value with a name of letters, digits, '_', '.' or '-',"
                + " not \""
                + name
                + "\"");
      }
      values.put(name, pair.substring(equals + 1));
    }
    boolean changed =
        !values.isEmpty()
            || !blank(options.placeholderPrefix())
            || !blank(options.placeholderSuffix());
    if (changed && !options.placeholders()) {
      throw new MigrateConfigException(
          PLACEHOLDER_OPTION
              + ", "
              + PLACEHOLDER_PREFIX_OPTION
              + " and "
              + PLACEHOLDER_SUFFIX_OPTION
              + " need "
              + PLACEHOLDERS_OPTION
              + ": replacement is off unless asked for");
    }
    return new Placeholders(
        options.placeholders(),
        values,
        blank(options.placeholderPrefix()) ? "${" : options.placeholderPrefix(),
        blank(options.placeholderSuffix()) ? "}" : options.placeholderSuffix());
  }

  private static Charset encoding(String name) {
    if (blank(name)) {
      return StandardCharsets.UTF_8;
    }
    try {
      return Charset.forName(name.strip());
    } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
      throw new MigrateConfigException(
          ENCODING_OPTION
              + " "
              + name.strip()
              + " is not an encoding Java knows, such as UTF-8 or ISO-8859-1");
    }
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
