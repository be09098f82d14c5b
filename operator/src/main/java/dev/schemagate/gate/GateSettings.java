package dev.schemagate.gate;

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
 * What one run of the schema gate needs, resolved from command-line options (which win) and the
 * environment. Requirements and the database URL are read and checked later, by {@link
 * #requirements()} and {@link #databaseUrl()}, so that the boot diagnostics are printed first.
 *
 * @param requirementsFile {@code --requirements-file}, else env {@value #REQUIREMENTS_FILE_ENV};
 *     may be null
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

  public static final String REQUIREMENTS_ENV = "SCHEMAGATE_SCHEMA_REQUIREMENTS";
  public static final String REQUIREMENTS_FILE_ENV = "SCHEMAGATE_SCHEMA_REQUIREMENTS_FILE";
  public static final String DEFAULT_DATABASE_URL_ENV = "DATABASE_URL";
  public static final String DATABASE_URL_ENV_ENV = "SCHEMAGATE_DATABASE_URL_ENV";
  public static final String TIMEOUT_ENV = "SCHEMAGATE_CHECK_TIMEOUT";
  public static final String ATTEMPTS_ENV = "SCHEMAGATE_CHECK_ATTEMPTS";
  public static final String RETRY_DELAY_ENV = "SCHEMAGATE_CHECK_RETRY_DELAY";
  public static final String DIAGNOSTICS_ENV = "SCHEMAGATE_DIAGNOSTICS_ENV";

  public static final String DEFAULT_TIMEOUT = "10";
  public static final String DEFAULT_ATTEMPTS = "5";
  public static final String DEFAULT_RETRY_DELAY = "2";
  public static final String DEFAULT_ROLE = "app";

  public GateSettings {
    diagnosticsEnv = List.copyOf(diagnosticsEnv);
    env = Map.copyOf(env);
  }

  /** Raw option values as given on the command line; null when an option was not given. */
  public record Options(
      String requirementsFile,
      String databaseUrlEnv,
      String timeout,
      String attempts,
      String retryDelay,
      String role,
      String diagnosticsEnv) {}

  /**
   * Options first, then the environment, then the defaults.
   *
   * @throws GateConfigException naming the option and variable of a value that is not valid
   */
  public static GateSettings resolve(Options options, Map<String, String> env) {
    String urlEnv =
        pick(options.databaseUrlEnv(), env, DATABASE_URL_ENV_ENV, DEFAULT_DATABASE_URL_ENV);
    if (!urlEnv.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      throw new GateConfigException(
          "--database-url-env (env "
              + DATABASE_URL_ENV_ENV
              + ") must be the NAME of an environment variable, such as DATABASE_URL, not a URL");
    }
    Duration timeout =
        seconds(
            "--timeout", TIMEOUT_ENV, pick(options.timeout(), env, TIMEOUT_ENV, DEFAULT_TIMEOUT));
    if (timeout.isZero()) {
      throw new GateConfigException("--timeout (env " + TIMEOUT_ENV + ") must be positive");
    }
    int attempts =
        positiveInt(
            "--attempts",
            ATTEMPTS_ENV,
            pick(options.attempts(), env, ATTEMPTS_ENV, DEFAULT_ATTEMPTS));
    Duration retryDelay =
        seconds(
            "--retry-delay",
            RETRY_DELAY_ENV,
            pick(options.retryDelay(), env, RETRY_DELAY_ENV, DEFAULT_RETRY_DELAY));
    String role = pick(options.role(), env, ServiceRole.ENV_NAME, DEFAULT_ROLE);
    String diagnostics = pick(options.diagnosticsEnv(), env, DIAGNOSTICS_ENV, "");
    List<String> names =
        Arrays.stream(diagnostics.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    String file = pick(options.requirementsFile(), env, REQUIREMENTS_FILE_ENV, null);
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
      source = "--requirements-file " + requirementsFile;
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
            "no schema requirements: set --requirements-file <path> or env " + REQUIREMENTS_ENV);
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
              + " --database-url-env (default "
              + DEFAULT_DATABASE_URL_ENV
              + ")");
    }
    return url;
  }

  private static String pick(
      String option, Map<String, String> env, String variable, String fallback) {
    if (option != null && !option.isBlank()) {
      return option.strip();
    }
    String value = env.get(variable);
    if (value != null && !value.isBlank()) {
      return value.strip();
    }
    return fallback;
  }

  private static Duration seconds(String option, String variable, String value) {
    try {
      double seconds = Double.parseDouble(value);
      if (seconds < 0 || Double.isNaN(seconds) || Double.isInfinite(seconds) || seconds > 86_400) {
        throw new NumberFormatException();
      }
      return Duration.ofMillis(Math.round(seconds * 1000));
    } catch (NumberFormatException e) {
      throw new GateConfigException(
          option + " (env " + variable + ") must be a number of seconds, got \"" + value + "\"");
    }
  }

  private static int positiveInt(String option, String variable, String value) {
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
              + variable
              + ") must be a whole number of at least 1, got \""
              + value
              + "\"");
    }
  }
}
