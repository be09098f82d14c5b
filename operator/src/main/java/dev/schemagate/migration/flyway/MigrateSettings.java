package dev.schemagate.migration.flyway;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.flywaydb.core.api.MigrationVersion;

/**
 * What one run of {@code schemagate migrate} needs, resolved from command-line options (which win)
 * and the environment.
 *
 * @param location directory holding the {@code V<version>__<description>.sql} files
 * @param schema the schema Flyway migrates and keeps its history table in
 * @param baselineOnMigrate baseline a non-empty schema that has no history table yet
 * @param baselineVersion the version such a baseline records
 * @param databaseUrlEnv the name of the variable the database URL was read from
 * @param databaseUrl the database URL (a secret: never print it unmasked)
 * @param timeout bound on connecting
 */
public record MigrateSettings(
    Path location,
    String schema,
    boolean baselineOnMigrate,
    String baselineVersion,
    String databaseUrlEnv,
    String databaseUrl,
    Duration timeout) {

  /** The variable the operator's migration Job puts the database URL in. */
  public static final String DEFAULT_DATABASE_URL_ENV = "SCHEMAGATE_DATABASE_URL";

  /** Read when {@value #DEFAULT_DATABASE_URL_ENV} is unset and no other name was given. */
  public static final String FALLBACK_DATABASE_URL_ENV = "DATABASE_URL";

  public static final String LOCATION_ENV = "SCHEMAGATE_MIGRATE_LOCATION";
  public static final String SCHEMA_ENV = "SCHEMAGATE_MIGRATE_SCHEMA";
  public static final String TIMEOUT_ENV = "SCHEMAGATE_MIGRATE_TIMEOUT";

  public static final String DEFAULT_SCHEMA = "public";
  public static final String DEFAULT_BASELINE_VERSION = "1";
  public static final String DEFAULT_TIMEOUT = "10";

  /** Raw option values as given on the command line; null when an option was not given. */
  public record Options(
      String location,
      String schema,
      boolean baselineOnMigrate,
      String baselineVersion,
      String databaseUrlEnv,
      String timeout) {}

  /**
   * Options first, then the environment, then the defaults.
   *
   * @throws MigrateConfigException naming the option or variable of a value that is missing or not
   *     valid; its message never contains the database URL
   */
  public static MigrateSettings resolve(Options options, Map<String, String> env) {
    String locationText = pick(options.location(), env, LOCATION_ENV, null);
    if (locationText == null) {
      throw new MigrateConfigException(
          "no migration directory: set --location <dir> (env " + LOCATION_ENV + ")");
    }
    Path location;
    try {
      location = Path.of(locationText).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      throw new MigrateConfigException("--location " + locationText + " is not a valid path");
    }
    if (!Files.isDirectory(location)) {
      throw new MigrateConfigException(
          "--location " + locationText + " is not a directory (or cannot be read)");
    }
    String schema = pick(options.schema(), env, SCHEMA_ENV, DEFAULT_SCHEMA);
    String baselineVersion =
        options.baselineVersion() == null || options.baselineVersion().isBlank()
            ? DEFAULT_BASELINE_VERSION
            : options.baselineVersion().strip();
    try {
      MigrationVersion.fromVersion(baselineVersion);
    } catch (RuntimeException e) {
      throw new MigrateConfigException(
          "--baseline-version " + baselineVersion + " is not a Flyway version such as 1 or 2.1");
    }
    if (!baselineVersion.matches("[0-9]+([._][0-9]+)*")) {
      throw new MigrateConfigException(
          "--baseline-version " + baselineVersion + " is not a Flyway version such as 1 or 2.1");
    }
    Duration timeout = seconds(pick(options.timeout(), env, TIMEOUT_ENV, DEFAULT_TIMEOUT));

    String urlEnv;
    String url;
    if (options.databaseUrlEnv() != null) {
      urlEnv = options.databaseUrlEnv().strip();
      if (!urlEnv.matches("[A-Za-z_][A-Za-z0-9_]*")) {
        throw new MigrateConfigException(
            "--database-url-env must be the NAME of an environment variable, such as "
                + DEFAULT_DATABASE_URL_ENV
                + ", not a URL");
      }
      url = env.get(urlEnv);
      if (blank(url)) {
        throw new MigrateConfigException(
            urlEnv + " is not set: it must hold the database URL (named by --database-url-env)");
      }
    } else if (!blank(env.get(DEFAULT_DATABASE_URL_ENV))) {
      urlEnv = DEFAULT_DATABASE_URL_ENV;
      url = env.get(urlEnv);
    } else if (!blank(env.get(FALLBACK_DATABASE_URL_ENV))) {
      urlEnv = FALLBACK_DATABASE_URL_ENV;
      url = env.get(urlEnv);
    } else {
      throw new MigrateConfigException(
          "no database URL: neither "
              + DEFAULT_DATABASE_URL_ENV
              + " nor "
              + FALLBACK_DATABASE_URL_ENV
              + " is set (or name another variable with --database-url-env)");
    }
    return new MigrateSettings(
        location,
        schema,
        options.baselineOnMigrate(),
        baselineVersion,
        urlEnv,
        url.strip(),
        timeout);
  }

  /** Never shows the database URL. */
  @Override
  public String toString() {
    return "MigrateSettings[location="
        + location
        + ", schema="
        + schema
        + ", baselineOnMigrate="
        + baselineOnMigrate
        + ", baselineVersion="
        + baselineVersion
        + ", databaseUrlEnv="
        + databaseUrlEnv
        + ", timeout="
        + timeout
        + "]";
  }

  private static String pick(String option, Map<String, String> env, String name, String dflt) {
    if (option != null && !option.isBlank()) {
      return option.strip();
    }
    String value = env.get(name);
    return blank(value) ? dflt : value.strip();
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private static Duration seconds(String value) {
    long n;
    try {
      n = Long.parseLong(value);
    } catch (NumberFormatException e) {
      n = -1;
    }
    if (n <= 0 || n > Integer.MAX_VALUE) {
      throw new MigrateConfigException(
          "--timeout (env "
              + TIMEOUT_ENV
              + ") must be a positive whole number of seconds, not \""
              + value
              + "\"");
    }
    return Duration.ofSeconds(n);
  }
}
