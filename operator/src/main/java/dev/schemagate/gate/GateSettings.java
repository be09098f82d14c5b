package dev.schemagate.gate;

import dev.schemagate.env.AppVariables;
import dev.schemagate.env.ServiceRole;
import dev.schemagate.schema.RequirementsEncoding;
import dev.schemagate.schema.SchemaRequirements;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What one run of the schema gate needs, resolved from the option values picocli gives it (the
 * command line's, else the variable's named in {@link #FALLBACKS}, else the built-in default).
 * Requirements and the database URL are read and checked later, by {@link #requirements()} and
 * {@link #databaseUrl()}, so that the boot diagnostics are printed first.
 *
 * @param requirementsFile {@value #REQUIREMENTS_FILE_OPTION}, else env {@value
 *     #REQUIREMENTS_FILE_ENV}; may be null
 * @param databaseUrlEnv the name of the variable holding the database URL
 * @param timeout bound on connecting and on each statement of one attempt
 * @param attempts tries while the check cannot run (at least 1)
 * @param retryDelay pause between tries
 * @param role the component's role, named in the banner title
 * @param diagnosticsEnv further variables shown in the banner
 * @param env the environment of this run
 */
public record GateSettings(
    String requirementsFile,
    String databaseUrlEnv,
    Duration timeout,
    int attempts,
    Duration retryDelay,
    String role,
    List<String> diagnosticsEnv,
    Map<String, String> env) {

  /** The subcommand's name. */
  public static final String COMMAND = "check-schema";

  public static final String REQUIREMENTS_FILE_OPTION = "--requirements-file";
  public static final String DATABASE_URL_ENV_OPTION = "--database-url-env";
  public static final String TIMEOUT_OPTION = "--timeout";
  public static final String ATTEMPTS_OPTION = "--attempts";
  public static final String RETRY_DELAY_OPTION = "--retry-delay";
  public static final String ROLE_OPTION = "--role";
  public static final String DIAGNOSTICS_ENV_OPTION = "--diagnostics-env";

  public static final String REQUIREMENTS_ENV = "SCHEMAGATE_SCHEMA_REQUIREMENTS";
  public static final String REQUIREMENTS_FILE_ENV = "SCHEMAGATE_SCHEMA_REQUIREMENTS_FILE";
  public static final String DEFAULT_DATABASE_URL_ENV = AppVariables.DATABASE_URL;
  public static final String DATABASE_URL_ENV_ENV = "SCHEMAGATE_DATABASE_URL_ENV";
  public static final String TIMEOUT_ENV = "SCHEMAGATE_CHECK_TIMEOUT";
  public static final String ATTEMPTS_ENV = "SCHEMAGATE_CHECK_ATTEMPTS";
  public static final String RETRY_DELAY_ENV = "SCHEMAGATE_CHECK_RETRY_DELAY";
  public static final String DIAGNOSTICS_ENV = "SCHEMAGATE_DIAGNOSTICS_ENV";

  public static final String DEFAULT_TIMEOUT = "10";
  public static final String DEFAULT_ATTEMPTS = "5";
  public static final String DEFAULT_RETRY_DELAY = "2";
  public static final String DEFAULT_ROLE = "app";

  /**
   * Where an option's value comes from when the command line does not give one (or gives a blank
   * one): the variable when it is set and not blank, else the built-in default.
   *
   * @param variable the environment variable
   * @param builtIn the built-in default; null for none
   */
  public record Fallback(String variable, String builtIn) {}

  /** Every option of the gate that an environment variable can set, by option name. */
  public static final Map<String, Fallback> FALLBACKS =
      Map.of(
          REQUIREMENTS_FILE_OPTION, new Fallback(REQUIREMENTS_FILE_ENV, null),
          DATABASE_URL_ENV_OPTION, new Fallback(DATABASE_URL_ENV_ENV, DEFAULT_DATABASE_URL_ENV),
          TIMEOUT_OPTION, new Fallback(TIMEOUT_ENV, DEFAULT_TIMEOUT),
          ATTEMPTS_OPTION, new Fallback(ATTEMPTS_ENV, DEFAULT_ATTEMPTS),
          RETRY_DELAY_OPTION, new Fallback(RETRY_DELAY_ENV, DEFAULT_RETRY_DELAY),
          ROLE_OPTION, new Fallback(ServiceRole.ENV_NAME, DEFAULT_ROLE),
          DIAGNOSTICS_ENV_OPTION, new Fallback(DIAGNOSTICS_ENV, ""));

  public GateSettings {
    diagnosticsEnv = List.copyOf(diagnosticsEnv);
    env = Map.copyOf(env);
  }

  /**
   * The option values, each already taken from the command line, the environment or the default by
   * the command's parser ({@link #FALLBACKS}); a null one stands for the built-in default.
   */
  public record Options(
      String requirementsFile,
      String databaseUrlEnv,
      String timeout,
      String attempts,
      String retryDelay,
      String role,
      String diagnosticsEnv) {}

  /**
   * Checks and converts the option values.
   *
   * @throws GateConfigException naming the option and variable of a value that is not valid
   */
  public static GateSettings resolve(Options options, Map<String, String> env) {
    String urlEnv = value(options.databaseUrlEnv(), DATABASE_URL_ENV_OPTION);
    if (!urlEnv.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      throw new GateConfigException(
          DATABASE_URL_ENV_OPTION
              + " (env "
              + DATABASE_URL_ENV_ENV
              + ") must be the NAME of an environment variable, such as "
              + DEFAULT_DATABASE_URL_ENV
              + ", not a URL");
    }
    Duration timeout = seconds(TIMEOUT_OPTION, value(options.timeout(), TIMEOUT_OPTION));
    if (timeout.isZero()) {
      throw new GateConfigException(TIMEOUT_OPTION + " (env " + TIMEOUT_ENV + ") must be positive");
    }
    int attempts = positiveInt(ATTEMPTS_OPTION, value(options.attempts(), ATTEMPTS_OPTION));
    Duration retryDelay =
        seconds(RETRY_DELAY_OPTION, value(options.retryDelay(), RETRY_DELAY_OPTION));
    String role = value(options.role(), ROLE_OPTION);
    String diagnostics = value(options.diagnosticsEnv(), DIAGNOSTICS_ENV_OPTION);
    List<String> names =
        Arrays.stream(diagnostics.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    String file = value(options.requirementsFile(), REQUIREMENTS_FILE_OPTION);
    return new GateSettings(file, urlEnv, timeout, attempts, retryDelay, role, names, env);
  }

  /**
   * The requirements: from the file when one is named (it wins), else from {@value
   * #REQUIREMENTS_ENV}.
   *
   * @throws GateConfigException when neither is set, the file cannot be read, or the JSON is
   *     invalid
   */
  public SchemaRequirements requirements() {
    String json;
    String source;
    if (requirementsFile != null) {
      source = REQUIREMENTS_FILE_OPTION + " " + requirementsFile;
      try {
        json = Files.readString(Path.of(requirementsFile), StandardCharsets.UTF_8);
      } catch (IOException | RuntimeException e) {
        throw new GateConfigException(
            source + " could not be read (" + e.getClass().getSimpleName() + ")");
      }
    } else {
      json = env.get(REQUIREMENTS_ENV);
      source = "env " + REQUIREMENTS_ENV;
      if (json == null || json.isBlank()) {
        throw new GateConfigException(
            "no schema requirements: set "
                + REQUIREMENTS_FILE_OPTION
                + " <path> or env "
                + REQUIREMENTS_ENV);
      }
    }
    try {
      return SchemaRequirements.fromJson(RequirementsEncoding.decode(json.strip()));
    } catch (IllegalArgumentException e) {
      throw new GateConfigException(
          "invalid schema requirements in " + source + ": " + e.getMessage());
    }
  }

  /**
   * The database URL from the variable named by {@link #databaseUrlEnv()}.
   *
   * @throws GateConfigException when it is not set
   */
  public String databaseUrl() {
    String url = env.get(databaseUrlEnv);
    if (url == null || url.isBlank()) {
      throw new GateConfigException(
          databaseUrlEnv
              + " is not set: the database URL is read from the environment variable named by"
              + " "
              + DATABASE_URL_ENV_OPTION
              + " (default "
              + DEFAULT_DATABASE_URL_ENV
              + ")");
    }
    return url;
  }

  /** The value stripped; for none, the option's built-in default (null when it has none). */
  private static String value(String value, String option) {
    return value == null || value.isBlank() ? FALLBACKS.get(option).builtIn() : value.strip();
  }

  private static Duration seconds(String option, String value) {
    try {
      double seconds = Double.parseDouble(value);
      if (seconds < 0 || Double.isNaN(seconds) || Double.isInfinite(seconds) || seconds > 86_400) {
        throw new NumberFormatException();
      }
      return Duration.ofMillis(Math.round(seconds * 1000));
    } catch (NumberFormatException e) {
      throw new GateConfigException(
          option
              + " (env "
              + FALLBACKS.get(option).variable()
              + ") must be a number of seconds, got \""
              + value
              + "\"");
    }
  }

  private static int positiveInt(String option, String value) {
    try {
      int n = Integer.parseInt(value);
      if (n < 1) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new GateConfigException(
          option
              + " (env "
              + FALLBACKS.get(option).variable()
              + ") must be a whole number of at least 1, got \""
              + value
              + "\"");
    }
  }
}
