package dev.schemagate.migrate;

import dev.schemagate.env.AppVariables;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What one run of {@code schemagate migrate} needs, resolved from command-line options (which win)
 * and the environment.
 *
 * @param locations directories holding the {@code V<version>__<description>.sql} files (Flyway
 *     reads them all, as one set)
 * @param schema the schema Flyway migrates and keeps its history table in
 * @param flyway the Flyway settings the project chose
 * @param databaseUrlEnv the name of the variable the database URL was read from
 * @param databaseUrl the database URL (a secret: never print it unmasked)
 * @param timeout bound on connecting
 * @param deadline how long the whole run may take before it is stopped; null for no bound
 */
public record MigrateSettings(
    List<Path> locations,
    String schema,
    FlywaySettings flyway,
    String databaseUrlEnv,
    String databaseUrl,
    Duration timeout,
    Duration deadline) {

  /** The variable the operator's migration Job puts the database URL in. */
  public static final String DEFAULT_DATABASE_URL_ENV = "SCHEMAGATE_DATABASE_URL";

  /** Read when {@value #DEFAULT_DATABASE_URL_ENV} is unset and no other name was given. */
  public static final String FALLBACK_DATABASE_URL_ENV = AppVariables.DATABASE_URL;

  /** The subcommand's name. */
  public static final String COMMAND = "migrate";

  public static final String LOCATION_OPTION = "--location";
  public static final String SCHEMA_OPTION = "--schema";
  public static final String DATABASE_URL_ENV_OPTION = "--database-url-env";
  public static final String TIMEOUT_OPTION = "--timeout";
  public static final String DEADLINE_OPTION = "--deadline";

  public static final String LOCATION_ENV = "SCHEMAGATE_MIGRATE_LOCATION";
  public static final String SCHEMA_ENV = "SCHEMAGATE_MIGRATE_SCHEMA";
  public static final String TIMEOUT_ENV = "SCHEMAGATE_MIGRATE_TIMEOUT";
  public static final String DEADLINE_ENV = "SCHEMAGATE_MIGRATE_DEADLINE";

  public static final String DEFAULT_SCHEMA = "public";
  public static final String DEFAULT_BASELINE_VERSION = FlywaySettings.DEFAULT_BASELINE_VERSION;
  public static final String DEFAULT_TIMEOUT = "10";

  /** Raw option values as given on the command line; null when an option was not given. */
  public record Options(
      List<String> locations,
      String schema,
      FlywaySettings.Options flyway,
      String databaseUrlEnv,
      String timeout,
      String deadline) {}

  /**
   * Options first, then the environment, then the defaults.
   *
   * @throws MigrateConfigException naming the option or variable of a value that is missing or not
   *     valid; its message never contains the database URL
   */
  public static MigrateSettings resolve(Options options, Map<String, String> env) {
    List<Path> locations = locations(options.locations(), env);
    String schema = pick(options.schema(), env, SCHEMA_ENV, DEFAULT_SCHEMA);
    FlywaySettings flyway = FlywaySettings.resolve(options.flyway());
    Duration timeout =
        seconds(
            TIMEOUT_OPTION,
            TIMEOUT_ENV,
            pick(options.timeout(), env, TIMEOUT_ENV, DEFAULT_TIMEOUT));
    String deadlineText = pick(options.deadline(), env, DEADLINE_ENV, null);
    Duration deadline =
        deadlineText == null ? null : seconds(DEADLINE_OPTION, DEADLINE_ENV, deadlineText);

    String urlEnv;
    String url;
    if (options.databaseUrlEnv() != null) {
      urlEnv = options.databaseUrlEnv().strip();
      if (!urlEnv.matches("[A-Za-z_][A-Za-z0-9_]*")) {
        throw new MigrateConfigException(
            DATABASE_URL_ENV_OPTION
                + " must be the NAME of an environment variable, such as "
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
              + " is set (or name another variable with "
              + DATABASE_URL_ENV_OPTION
              + ")");
    }
    return new MigrateSettings(locations, schema, flyway, urlEnv, url.strip(), timeout, deadline);
  }

  /** Never shows the database URL. */
  @Override
  public String toString() {
    return "MigrateSettings[locations="
        + locations
        + ", schema="
        + schema
        + ", flyway="
        + flyway
        + ", databaseUrlEnv="
        + databaseUrlEnv
        + ", timeout="
        + timeout
        + ", deadline="
        + deadline
        + "]";
  }

  /**
   * Every {@code --location} given, else the comma-separated directories of {@value #LOCATION_ENV};
   * each must be a readable directory.
   */
  private static List<Path> locations(List<String> given, Map<String, String> env) {
    List<String> texts = new ArrayList<>();
    if (given != null) {
      given.stream().filter(t -> !blank(t)).map(String::strip).forEach(texts::add);
    }
    if (texts.isEmpty() && !blank(env.get(LOCATION_ENV))) {
      for (String part : env.get(LOCATION_ENV).split(",")) {
        if (!part.isBlank()) {
          texts.add(part.strip());
        }
      }
    }
    if (texts.isEmpty()) {
      throw new MigrateConfigException(
          "no migration directory: set " + LOCATION_OPTION + " <dir> (env " + LOCATION_ENV + ")");
    }
    List<Path> locations = new ArrayList<>();
    for (String text : texts) {
      Path location;
      try {
        location = Path.of(text).toAbsolutePath().normalize();
      } catch (InvalidPathException e) {
        throw new MigrateConfigException(LOCATION_OPTION + " " + text + " is not a valid path");
      }
      if (!Files.isDirectory(location)) {
        throw new MigrateConfigException(
            LOCATION_OPTION + " " + text + " is not a directory (or cannot be read)");
      }
      locations.add(location);
    }
    return List.copyOf(locations);
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

  private static Duration seconds(String option, String envName, String value) {
    long n;
    try {
      n = Long.parseLong(value);
    } catch (NumberFormatException e) {
      n = -1;
    }
    if (n <= 0 || n > Integer.MAX_VALUE) {
      throw new MigrateConfigException(
          option
              + " (env "
              + envName
              + ") must be a positive whole number of seconds, not \""
              + value
              + "\"");
    }
    return Duration.ofSeconds(n);
  }
}
