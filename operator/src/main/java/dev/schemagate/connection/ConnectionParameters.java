package dev.schemagate.connection;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The one rule for the parameters of a tenant's database URL: which of them reach the PostgreSQL
 * JDBC driver, under which name, and how the connector's own timeouts bound them. The schema check
 * of the operator, {@code schemagate check-schema} and {@code schemagate migrate} all connect
 * through {@link #connect}; {@link PostgresConnectionInfo#parse} refuses a URL that sets anything
 * else.
 *
 * <p>Why: the URL comes from a tenant's Secret, and pgjdbc does what its parameters say inside the
 * process that connects. {@code socketFactory}, {@code sslfactory}, {@code sslhostnameverifier},
 * {@code sslpasswordcallback}, {@code authenticationPluginClassName}, {@code connectExecutor} and
 * {@code xmlFactoryFactory} name Java classes the driver loads and runs; {@code socketTimeout=0}
 * and {@code loginTimeout=0} let a database that accepts the connection and never answers hold the
 * caller forever, inside the operator's reconcile for every tenant.
 *
 * <p>The rule:
 *
 * <ul>
 *   <li>Accepted: connection and TLS settings that are values, not classes ({@code sslmode}, {@code
 *       sslrootcert}, {@code channelBinding}, {@code targetServerType}, ...), session settings
 *       ({@code ApplicationName}, {@code currentSchema}, {@code options}) and a few driver tunings
 *       JDBC applications commonly keep in their URL ({@code prepareThreshold}, {@code stringtype},
 *       ...). libpq spellings ({@code application_name}, {@code connect_timeout}, {@code
 *       target_session_attrs}, {@code keepalives}, {@code gssencmode}, {@code channel_binding},
 *       {@code require_auth}, {@code sslnegotiation}, {@code load_balance_hosts}) are translated,
 *       in every URL shape.
 *   <li>Clamped: {@code connectTimeout} ({@code connect_timeout}), {@code loginTimeout} and {@code
 *       socketTimeout}. The connector's own bound always wins: a tenant's value can only shorten
 *       it; {@code 0}, a negative value or a longer one gives the connector's. Refusing them would
 *       break applications that keep their own timeouts in the same URL, for no gain.
 *   <li>Accepted and not passed on: libpq parameters pgjdbc has no setting for ({@code
 *       client_encoding}, {@code keepalives_idle}, {@code sslcrl}, ...), so that an application's
 *       libpq URL still works.
 *   <li>Refused, naming the parameter: everything else, with the reason for the dangerous ones.
 * </ul>
 *
 * <p>{@code options} is accepted: providers need it (Neon's {@code endpoint=}, a {@code
 * search_path}), and it grants nothing the tenant's role cannot set for itself with {@code ALTER
 * ROLE ... SET}. What schemagate relies on does not depend on session defaults: the schema check
 * sets its {@code statement_timeout} with {@code set_config(.., true)} inside its own read-only
 * transaction after connecting, which takes precedence over anything {@code -c statement_timeout=0}
 * set, and the client-side bounds (socket timeout, query timeout) do not involve the server.
 *
 * <p>Messages never contain a parameter's value, nor a name that holds the password or does not
 * look like a parameter name.
 */
public final class ConnectionParameters {

  /**
   * The bounds a connector sets: each is the longest the driver may take; {@code socket} null means
   * none (migrations may legitimately run for hours), and then a tenant's value applies.
   */
  public record Timeouts(Duration connect, Duration login, Duration socket) {
    public Timeouts {
      if (connect == null || login == null) {
        throw new IllegalArgumentException("connect and login timeouts are required");
      }
    }
  }

  /** Where this rule is written down for users; refusals point there. */
  public static final String DOCS = "docs/security.md";

  private enum Kind {
    TEXT,
    INTEGER,
    BOOLEAN,
    CHOICE,
    TIMEOUT
  }

  private record Rule(Kind kind, List<String> choices) {
    static Rule of(Kind kind) {
      return new Rule(kind, List.of());
    }

    static Rule choice(String... choices) {
      return new Rule(Kind.CHOICE, List.of(choices));
    }
  }

  /** pgjdbc parameters a tenant URL may set, by pgjdbc's name. */
  private static final Map<String, Rule> ALLOWED = new LinkedHashMap<>();

  static {
    // Connection and TLS: values only.
    ALLOWED.put(
        "sslmode",
        Rule.choice("disable", "allow", "prefer", "require", "verify-ca", "verify-full"));
    ALLOWED.put("ssl", Rule.choice("true", "false", ""));
    ALLOWED.put("sslrootcert", Rule.of(Kind.TEXT));
    ALLOWED.put("sslcert", Rule.of(Kind.TEXT));
    ALLOWED.put("sslkey", Rule.of(Kind.TEXT));
    ALLOWED.put("sslpassword", Rule.of(Kind.TEXT));
    ALLOWED.put("sslNegotiation", Rule.choice("postgres", "direct"));
    ALLOWED.put("channelBinding", Rule.choice("disable", "prefer", "require"));
    ALLOWED.put("gssEncMode", Rule.choice("disable", "allow", "prefer", "require"));
    ALLOWED.put("requireAuth", Rule.of(Kind.TEXT));
    ALLOWED.put(
        "targetServerType",
        Rule.choice(
            "any",
            "primary",
            "master",
            "secondary",
            "slave",
            "preferSecondary",
            "preferSlave",
            "preferPrimary"));
    ALLOWED.put("loadBalanceHosts", Rule.of(Kind.BOOLEAN));
    ALLOWED.put("hostRecheckSeconds", Rule.of(Kind.INTEGER));
    ALLOWED.put("tcpKeepAlive", Rule.of(Kind.BOOLEAN));
    ALLOWED.put("tcpNoDelay", Rule.of(Kind.BOOLEAN));
    // Timeouts: clamped by the connector's own.
    ALLOWED.put("connectTimeout", Rule.of(Kind.TIMEOUT));
    ALLOWED.put("loginTimeout", Rule.of(Kind.TIMEOUT));
    ALLOWED.put("socketTimeout", Rule.of(Kind.TIMEOUT));
    // The session.
    ALLOWED.put("ApplicationName", Rule.of(Kind.TEXT));
    ALLOWED.put("currentSchema", Rule.of(Kind.TEXT));
    ALLOWED.put("options", Rule.of(Kind.TEXT));
    ALLOWED.put("assumeMinServerVersion", Rule.of(Kind.TEXT));
    // Driver tunings JDBC applications keep in their URL.
    ALLOWED.put("prepareThreshold", Rule.of(Kind.INTEGER));
    ALLOWED.put(
        "preferQueryMode",
        Rule.choice("extended", "extendedForPrepared", "extendedCacheEverything", "simple"));
    ALLOWED.put("stringtype", Rule.choice("unspecified", "varchar"));
    ALLOWED.put("reWriteBatchedInserts", Rule.of(Kind.BOOLEAN));
    ALLOWED.put("defaultRowFetchSize", Rule.of(Kind.INTEGER));
    ALLOWED.put("binaryTransfer", Rule.of(Kind.BOOLEAN));
    ALLOWED.put("autosave", Rule.choice("always", "never", "conservative"));
  }

  /** libpq names pgjdbc spells differently. */
  private static final Map<String, String> LIBPQ_NAMES =
      Map.of(
          "application_name", "ApplicationName",
          "connect_timeout", "connectTimeout",
          "target_session_attrs", "targetServerType",
          "keepalives", "tcpKeepAlive",
          "gssencmode", "gssEncMode",
          "channel_binding", "channelBinding",
          "require_auth", "requireAuth",
          "sslnegotiation", "sslNegotiation",
          "load_balance_hosts", "loadBalanceHosts");

  /** libpq's target_session_attrs values in pgjdbc's targetServerType terms. */
  private static final Map<String, String> TARGET_SERVER_TYPES =
      Map.of(
          "any", "any",
          "read-write", "primary",
          "primary", "primary",
          "read-only", "secondary",
          "standby", "secondary",
          "prefer-standby", "preferSecondary");

  /** libpq parameters without a pgjdbc setting: accepted so that libpq URLs work, not passed. */
  private static final Set<String> LIBPQ_ONLY =
      Set.of(
          "fallback_application_name",
          "client_encoding",
          "keepalives_idle",
          "keepalives_interval",
          "keepalives_count",
          "tcp_user_timeout",
          "sslcompression",
          "sslsni",
          "sslcertmode",
          "sslcrl",
          "sslcrldir",
          "ssl_min_protocol_version",
          "ssl_max_protocol_version");

  private static final String LOADS_A_CLASS =
      "it names a Java class for the PostgreSQL driver to load and run inside schemagate";
  private static final String FEEDS_A_CLASS =
      "it is handed to a Java class the PostgreSQL driver loads inside schemagate";

  /** Refused parameters whose danger deserves a reason of its own. */
  private static final Map<String, String> REFUSED = new LinkedHashMap<>();

  static {
    REFUSED.put("socketFactory", LOADS_A_CLASS);
    REFUSED.put("socketFactoryArg", FEEDS_A_CLASS);
    REFUSED.put(
        "sslfactory",
        LOADS_A_CLASS
            + "; for TLS set sslmode (require, verify-ca or verify-full) and sslrootcert instead");
    REFUSED.put("sslfactoryarg", FEEDS_A_CLASS);
    REFUSED.put("sslhostnameverifier", LOADS_A_CLASS + "; sslmode=verify-full checks the host");
    REFUSED.put("sslpasswordcallback", LOADS_A_CLASS + "; set sslpassword instead");
    REFUSED.put("authenticationPluginClassName", LOADS_A_CLASS);
    REFUSED.put("connectExecutor", LOADS_A_CLASS);
    REFUSED.put("connectExecutorArg", FEEDS_A_CLASS);
    REFUSED.put("xmlFactoryFactory", LOADS_A_CLASS);
    REFUSED.put(
        "classLoaderStrategy", "it decides where the PostgreSQL driver loads Java classes from");
    REFUSED.put("loggerFile", "it makes the PostgreSQL driver write a file inside schemagate");
    REFUSED.put("loggerLevel", "the PostgreSQL driver's logging is schemagate's to configure");
    REFUSED.put(
        "service",
        "it reads connection settings from a file inside schemagate; write them into the URL");
    REFUSED.put("readOnly", "the schema check sets read-only itself");
    REFUSED.put("readOnlyMode", "it could switch off the read-only transaction of the check");
    REFUSED.put("replication", "it turns the connection into a replication connection");
    REFUSED.put("localSocketAddress", "it binds schemagate's end of the connection");
    REFUSED.put(
        "scramMaxIterations",
        "it would let a server make schemagate hash a password for as long as the server likes");
    for (String timeout :
        List.of(
            "queryTimeout", "cancelSignalTimeout", "sslResponseTimeout", "gssResponseTimeout")) {
      REFUSED.put(
          timeout,
          "schemagate bounds time itself (connect_timeout, connectTimeout, loginTimeout and"
              + " socketTimeout are accepted and can only shorten its bounds)");
    }
    for (String kerberos :
        List.of(
            "gsslib",
            "gssUseDefaultCreds",
            "jaasApplicationName",
            "jaasLogin",
            "kerberosServerName",
            "krbsrvname",
            "useSpnego",
            "sspiServiceClass")) {
      REFUSED.put(
          kerberos, "it would authenticate with schemagate's own Kerberos, JAAS or SSPI setup");
    }
  }

  /**
   * Parameters whose value is a path in the file system of the process that connects. In the
   * tenant's own pods (the schema gate, the migration Job) that is the tenant's container, whose
   * files the tenant chose; in the operator it would be schemagate's container: its ServiceAccount
   * token, its configuration, {@code /dev/zero}.
   */
  private static final Set<String> CONTAINER_FILES = Set.of("sslrootcert", "sslcert", "sslkey");

  /** A name that can be shown: what parameter names look like, nothing longer. */
  private static final Pattern SHOWABLE_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_.\\-]{0,39}");

  private static final Pattern WHOLE_NUMBER = Pattern.compile("[+-]?[0-9]{1,18}");

  private ConnectionParameters() {}

  /**
   * Checks one parameter of a connection string (host, port, dbname, user and password are not
   * parameters here); {@code password} only keeps a name holding it out of the message.
   *
   * @return pgjdbc's name and value, or null for a libpq parameter pgjdbc has no setting for
   * @throws ConnectionUrlException for a parameter that is refused or has an invalid value
   */
  static Map.Entry<String, String> accept(String name, String value, String password) {
    if (name.isEmpty()) {
      throw new ConnectionUrlException("a parameter of the database URL has no name");
    }
    if (LIBPQ_ONLY.contains(name)) {
      return null;
    }
    String shown = shown(name, password);
    String why = REFUSED.get(name);
    if (why != null) {
      throw new ConnectionUrlException("parameter " + shown + " is refused: " + why);
    }
    String pgjdbcName = LIBPQ_NAMES.getOrDefault(name, name);
    Rule rule = ALLOWED.get(pgjdbcName);
    if (rule == null) {
      throw new ConnectionUrlException(
          "parameter "
              + shown
              + " is not one schemagate passes to the PostgreSQL driver"
              + suggestion(name)
              + " (the accepted parameters are listed in "
              + DOCS
              + ")");
    }
    String converted = libpqValue(name, value, shown);
    check(pgjdbcName, rule, converted, shown);
    return Map.entry(pgjdbcName, converted);
  }

  /**
   * What the driver gets: {@code defaults} (the connector's, which the URL may override), the URL's
   * parameters, user and password, then the timeouts clamped by {@code timeouts}.
   */
  public static Properties driverProperties(
      PostgresConnectionInfo info, Map<String, String> defaults, Timeouts timeouts) {
    Properties properties = new Properties();
    defaults.forEach(properties::setProperty);
    info.params().forEach(properties::setProperty);
    properties.putAll(info.properties());
    clamp(properties, "connectTimeout", timeouts.connect());
    clamp(properties, "loginTimeout", timeouts.login());
    clamp(properties, "socketTimeout", timeouts.socket());
    for (String key : properties.stringPropertyNames()) {
      if (!key.equals("user") && !key.equals("password") && !ALLOWED.containsKey(key)) {
        // Only reachable through a connector's own defaults: a programming error, said plainly.
        throw new IllegalStateException("driver property " + key + " is not on the allow-list");
      }
    }
    return properties;
  }

  /**
   * Connects with the driver directly (DriverManager would first look through every driver on the
   * class path), to a URL that holds only hosts and database: everything else goes in {@link
   * #driverProperties}, since pgjdbc lets the URL's parameters override the properties.
   */
  public static Connection connect(
      PostgresConnectionInfo info, Map<String, String> defaults, Timeouts timeouts)
      throws SQLException {
    Connection connection =
        new org.postgresql.Driver()
            .connect(info.jdbcUrl(), driverProperties(info, defaults, timeouts));
    if (connection == null) {
      throw new SQLException("the JDBC driver did not accept the database URL", "08001");
    }
    return connection;
  }

  /**
   * Refuses a URL that names files in the container that connects, for a connector that does not
   * run in the tenant's pods: the operator. The file is never opened, the message names the
   * parameter, never its value.
   *
   * @throws ConnectionUrlException naming the first such parameter
   */
  public static void refuseContainerFiles(PostgresConnectionInfo info) {
    Set<String> names = new LinkedHashSet<>(info.params().keySet());
    names.addAll(info.properties().stringPropertyNames());
    for (String name : names) {
      if (CONTAINER_FILES.contains(name)) {
        throw new ConnectionUrlException(
            "parameter \""
                + name
                + "\" is refused in the operator's schema check: it names a file in the container"
                + " that connects, which for this check is schemagate's own, not your pods'; the"
                + " schema gate and the migration Job, which run in your pods, accept it. Give"
                + " spec.database.urlSecretRef a URL without it (see "
                + DOCS
                + ")");
      }
    }
  }

  /** The parameters a tenant URL may set, in pgjdbc's names, in the order of the docs. */
  public static List<String> allowed() {
    return List.copyOf(ALLOWED.keySet());
  }

  /** Parameters refused with a reason of their own. */
  public static Map<String, String> refused() {
    return Map.copyOf(REFUSED);
  }

  /** The connector's bound wins: a tenant's value may only shorten it. */
  private static void clamp(Properties properties, String name, Duration bound) {
    String tenant = properties.getProperty(name);
    long requested = tenant == null ? 0 : Long.parseLong(tenant.strip());
    if (bound == null) {
      if (requested > 0) {
        properties.setProperty(name, Long.toString(requested));
      } else {
        properties.remove(name);
      }
      return;
    }
    long ours = Math.max(1, bound.getSeconds() + (bound.getNano() > 0 ? 1 : 0));
    long effective = requested > 0 && requested < ours ? requested : ours;
    properties.setProperty(name, Long.toString(effective));
  }

  private static String libpqValue(String name, String value, String shown) {
    switch (name) {
      case "target_session_attrs" -> {
        String type = TARGET_SERVER_TYPES.get(value.strip().toLowerCase(Locale.ROOT));
        if (type == null) {
          throw new ConnectionUrlException(
              "parameter "
                  + shown
                  + " must be one of any, read-write, primary, read-only, standby, prefer-standby");
        }
        return type;
      }
      case "keepalives" -> {
        if (!WHOLE_NUMBER.matcher(value.strip()).matches()) {
          throw new ConnectionUrlException("parameter " + shown + " must be 0 or 1");
        }
        return Long.parseLong(value.strip()) == 0 ? "false" : "true";
      }
      case "load_balance_hosts" -> {
        return switch (value.strip()) {
          case "disable" -> "false";
          case "random" -> "true";
          default ->
              throw new ConnectionUrlException(
                  "parameter " + shown + " must be one of disable, random");
        };
      }
      default -> {
        return value;
      }
    }
  }

  private static void check(String pgjdbcName, Rule rule, String value, String shown) {
    switch (rule.kind()) {
      case TEXT -> {}
      case INTEGER -> {
        if (!WHOLE_NUMBER.matcher(value.strip()).matches()
            || Math.abs(Long.parseLong(value.strip())) > Integer.MAX_VALUE) {
          throw new ConnectionUrlException("parameter " + shown + " must be a whole number");
        }
      }
      case TIMEOUT -> {
        if (!WHOLE_NUMBER.matcher(value.strip()).matches()) {
          throw new ConnectionUrlException(
              "parameter " + shown + " must be a whole number of seconds");
        }
      }
      case BOOLEAN -> {
        if (!value.strip().equalsIgnoreCase("true") && !value.strip().equalsIgnoreCase("false")) {
          throw new ConnectionUrlException("parameter " + shown + " must be true or false");
        }
      }
      case CHOICE -> {
        if (!rule.choices().contains(value)) {
          throw new ConnectionUrlException(
              "parameter "
                  + shown
                  + " must be one of "
                  + String.join(", ", rule.choices().stream().filter(c -> !c.isEmpty()).toList())
                  + ("ssl".equals(pgjdbcName) ? " (or empty)" : ""));
        }
      }
    }
  }

  /** The name in quotes, unless it could be something else: then it is not shown. */
  private static String shown(String name, String password) {
    boolean holdsPassword = password != null && password.length() >= 4 && name.contains(password);
    if (holdsPassword || !SHOWABLE_NAME.matcher(name).matches()) {
      return "(name not shown)";
    }
    return "\"" + name + "\"";
  }

  private static String suggestion(String name) {
    for (String known : ALLOWED.keySet()) {
      if (known.equalsIgnoreCase(name)) {
        return "; did you mean \"" + known + "\"?";
      }
    }
    for (String known : LIBPQ_NAMES.keySet()) {
      if (known.equalsIgnoreCase(name)) {
        return "; did you mean \"" + known + "\"?";
      }
    }
    return "";
  }
}
