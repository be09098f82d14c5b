package dev.schemagate.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.schemagate.testing.DriverClassParameters;
import dev.schemagate.testing.DriverTrap;
import dev.schemagate.testkit.TestPostgres;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.Driver;
import org.postgresql.PGProperty;

/** The allow-list of tenant URL parameters, the clamped timeouts and the refusals. */
class ConnectionParametersTest {

  static final String CANARY = "S3cr3t-canary";

  static final List<String> CLASS_PARAMETERS = DriverClassParameters.ALL;

  static final ConnectionParameters.Timeouts OURS =
      new ConnectionParameters.Timeouts(
          Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(7));

  /** The same parameter in each URL shape: libpq URI, JDBC URL, libpq key=value. */
  static Stream<String> shapes(String name, String value) {
    return Stream.of(
        "postgresql://app:" + CANARY + "@db:5432/app?sslmode=require&" + name + "=" + value,
        "jdbc:postgresql://db:5432/app?user=app&password=" + CANARY + "&" + name + "=" + value,
        "host=db dbname=app user=app password=" + CANARY + " " + name + "=" + value);
  }

  static Stream<String> classParameterUrls() {
    return CLASS_PARAMETERS.stream().flatMap(p -> shapes(p, DriverTrap.NAME));
  }

  @ParameterizedTest
  @MethodSource("classParameterUrls")
  void aParameterNamingAClassIsRefusedByName(String url) {
    String name = url.substring(url.lastIndexOf(url.startsWith("host=") ? ' ' : '&') + 1);
    name = name.substring(0, name.indexOf('='));

    assertThatThrownBy(() -> PostgresConnectionInfo.parse(url))
        .isInstanceOf(ConnectionUrlException.class)
        .hasMessageStartingWith("parameter \"" + name + "\" is refused: ")
        .hasMessageContaining("Java class")
        .message()
        .doesNotContain(CANARY)
        .doesNotContain("DriverTrap");
    assertThat(DriverTrap.Tripwire.initialized()).as("the class is never loaded").isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"sslrootcert", "sslcert", "sslkey"})
  void aFileOfTheConnectingContainerIsAcceptedInThePodsAndRefusedForTheOperator(String name) {
    String path = "/var/run/secrets/kubernetes.io/serviceaccount/token";
    shapes(name, path)
        .forEach(
            url -> {
              PostgresConnectionInfo info = PostgresConnectionInfo.parse(url);
              assertThat(info.params()).as(url).containsEntry(name, path);

              assertThatThrownBy(() -> ConnectionParameters.refuseContainerFiles(info))
                  .isInstanceOf(ConnectionUrlException.class)
                  .hasMessageStartingWith(
                      "parameter \"" + name + "\" is refused in the operator's schema check")
                  .message()
                  .doesNotContain(path)
                  .doesNotContain(CANARY);
            });
    ConnectionParameters.refuseContainerFiles(
        PostgresConnectionInfo.parse("postgresql://app@db/app?sslmode=verify-full&sslpassword=x"));
  }

  @Test
  void everyDriverParameterThatNamesAClassIsRefused() {
    List<String> classLike =
        Arrays.stream(PGProperty.values())
            .filter(
                p -> {
                  String d = p.getDescription().toLowerCase(Locale.ROOT);
                  return d.contains("class") || d.contains("factory");
                })
            .map(PGProperty::getName)
            .toList();

    // A pgjdbc upgrade that adds such a parameter fails here until it is refused by name.
    assertThat(classLike).hasSizeGreaterThanOrEqualTo(CLASS_PARAMETERS.size());
    assertThat(ConnectionParameters.refused()).containsKeys(classLike.toArray(String[]::new));
    assertThat(ConnectionParameters.refused())
        .containsKeys(CLASS_PARAMETERS.toArray(String[]::new));
    assertThat(ConnectionParameters.allowed())
        .doesNotContainAnyElementsOf(classLike)
        .doesNotContainAnyElementsOf(CLASS_PARAMETERS);
  }

  @Test
  void everyAllowedNameIsOneThePinnedDriverKnows() {
    List<String> driver = Arrays.stream(PGProperty.values()).map(PGProperty::getName).toList();
    assertThat(driver).containsAll(ConnectionParameters.allowed());
    assertThat(driver)
        .containsAll(
            ConnectionParameters.refused().keySet().stream()
                .filter(n -> !n.equals("krbsrvname"))
                .toList());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          replication=database        | "replication" is refused: it turns the connection into a replication connection
          loggerFile=/tmp/x           | "loggerFile" is refused: it makes the PostgreSQL driver write a file
          service=prod                | "service" is refused: it reads connection settings from a file
          readOnlyMode=ignore         | "readOnlyMode" is refused
          queryTimeout=0              | "queryTimeout" is refused: schemagate bounds time itself
          gssUseDefaultCreds=true     | "gssUseDefaultCreds" is refused
          scramMaxIterations=0        | "scramMaxIterations" is refused
          PGHOST=evil                 | "PGHOST" is not one schemagate passes to the PostgreSQL driver
          foo=bar                     | "foo" is not one schemagate passes to the PostgreSQL driver (the accepted parameters are listed in docs/security.md)
          SSLMODE=require             | "SSLMODE" is not one schemagate passes to the PostgreSQL driver; did you mean "sslmode"?
          Application_Name=x          | did you mean "application_name"?
          =x                          | a parameter of the database URL has no name
          """)
  void otherParametersAreRefusedByName(String parameter, String message) {
    shapes(
            parameter.substring(0, parameter.indexOf('=')),
            parameter.substring(parameter.indexOf('=') + 1))
        .filter(url -> !(parameter.startsWith("=") && url.startsWith("host=")))
        .forEach(
            url ->
                assertThatThrownBy(() -> PostgresConnectionInfo.parse(url))
                    .as(url)
                    .isInstanceOf(ConnectionUrlException.class)
                    .hasMessageContaining(message)
                    .message()
                    .doesNotContain(CANARY));
  }

  @Test
  void aNameThatHoldsThePasswordIsNotShown() {
    assertThatThrownBy(
            () -> PostgresConnectionInfo.parse("postgresql://app:" + CANARY + "@db/app?" + CANARY))
        .isInstanceOf(ConnectionUrlException.class)
        .hasMessage(
            "parameter (name not shown) is not one schemagate passes to the PostgreSQL driver (the"
                + " accepted parameters are listed in docs/security.md)");
    assertThatThrownBy(
            () ->
                PostgresConnectionInfo.parse(
                    "postgresql://app@db/app?password=" + CANARY + "&" + CANARY + "x=1"))
        .message()
        .doesNotContain(CANARY);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          sslmode              | parameter "sslmode" must be one of disable, allow, prefer, require, verify-ca, verify-full
          connect_timeout      | parameter "connect_timeout" must be a whole number of seconds
          socketTimeout        | parameter "socketTimeout" must be a whole number of seconds
          tcpKeepAlive         | parameter "tcpKeepAlive" must be true or false
          keepalives           | parameter "keepalives" must be 0 or 1
          prepareThreshold     | parameter "prepareThreshold" must be a whole number
          target_session_attrs | parameter "target_session_attrs" must be one of any, read-write
          targetServerType     | parameter "targetServerType" must be one of any, primary
          """)
  void anInvalidValueNamesTheParameterNotTheValue(String name, String message) {
    shapes(name, CANARY)
        .forEach(
            url ->
                assertThatThrownBy(() -> PostgresConnectionInfo.parse(url))
                    .as(url)
                    .isInstanceOf(ConnectionUrlException.class)
                    .hasMessageStartingWith(message)
                    .message()
                    .doesNotContain(CANARY));
  }

  @Test
  void libpqSpellingsAreTranslatedInEveryShape() {
    String query =
        "application_name=tenant%20app&connect_timeout=3&target_session_attrs=read-only"
            + "&keepalives=0&gssencmode=disable&channel_binding=require&require_auth=scram-sha-256"
            + "&sslnegotiation=postgres&load_balance_hosts=random";
    for (String url :
        List.of(
            "postgresql://app:pw@db/app?" + query,
            "jdbc:postgresql://db/app?user=app&password=pw&" + query)) {
      assertThat(
              ConnectionParameters.driverProperties(
                  PostgresConnectionInfo.parse(url), Map.of(), OURS))
          .as(url)
          .contains(
              Map.entry("ApplicationName", "tenant app"),
              Map.entry("connectTimeout", "3"),
              Map.entry("targetServerType", "secondary"),
              Map.entry("tcpKeepAlive", "false"),
              Map.entry("gssEncMode", "disable"),
              Map.entry("channelBinding", "require"),
              Map.entry("requireAuth", "scram-sha-256"),
              Map.entry("sslNegotiation", "postgres"),
              Map.entry("loadBalanceHosts", "true"));
    }
  }

  @Test
  void libpqParametersPgjdbcHasNoSettingForAreAcceptedAndNotPassedOn() {
    PostgresConnectionInfo info =
        PostgresConnectionInfo.parse(
            "postgresql://app:pw@db/app?sslmode=require&client_encoding=UTF8&keepalives_idle=30"
                + "&fallback_application_name=psql&sslcrl=/crl.pem");

    assertThat(info.params()).containsOnlyKeys("sslmode");
    assertThat(ConnectionParameters.driverProperties(info, Map.of(), OURS))
        .doesNotContainKeys("client_encoding", "keepalives_idle", "fallback_application_name");
  }

  @ParameterizedTest(name = "{0} with ours {1}s gives {2}")
  @CsvSource(
      textBlock =
          """
          '',                 5, 5
          connectTimeout=0,   5, 5
          connectTimeout=-1,  5, 5
          connect_timeout=0,  5, 5
          connectTimeout=3600,5, 5
          connectTimeout=999999999999,5, 5
          connectTimeout=2,   5, 2
          connect_timeout=1,  5, 1
          connectTimeout=5,   5, 5
          """)
  void theConnectorsTimeoutWinsATenantMayOnlyShortenIt(String param, int ours, String expected) {
    PostgresConnectionInfo info =
        PostgresConnectionInfo.parse(
            "postgresql://app:pw@db/app" + (param.isEmpty() ? "" : "?" + param));

    Properties p =
        ConnectionParameters.driverProperties(
            info,
            Map.of(),
            new ConnectionParameters.Timeouts(
                Duration.ofSeconds(ours), Duration.ofSeconds(ours), Duration.ofSeconds(ours)));

    assertThat(p.getProperty("connectTimeout")).isEqualTo(expected);
    assertThat(p.getProperty("loginTimeout")).isEqualTo(Integer.toString(ours));
  }

  @Test
  void liftedTimeoutsAreBoundedAndTheUrlCannotOverrideTheProperties() throws SQLException {
    PostgresConnectionInfo info =
        PostgresConnectionInfo.parse(
            "postgresql://app:pw@db/app?socketTimeout=0&loginTimeout=0&connectTimeout=0");

    Properties p = ConnectionParameters.driverProperties(info, Map.of(), OURS);

    assertThat(info.jdbcUrl()).isEqualTo("jdbc:postgresql://db/app").doesNotContain("?");
    // What pgjdbc itself makes of URL and properties together.
    Properties driver = Driver.parseURL(info.jdbcUrl(), p);
    assertThat(driver)
        .containsEntry("connectTimeout", "5")
        .containsEntry("loginTimeout", "5")
        .containsEntry("socketTimeout", "7");
  }

  @Test
  void withoutABoundOfOursTheTenantsReadTimeoutStays() {
    ConnectionParameters.Timeouts migrate =
        new ConnectionParameters.Timeouts(Duration.ofSeconds(30), Duration.ofSeconds(30), null);

    assertThat(
            ConnectionParameters.driverProperties(
                PostgresConnectionInfo.parse("postgresql://db/app?socketTimeout=600"),
                Map.of(),
                migrate))
        .containsEntry("socketTimeout", "600")
        .containsEntry("loginTimeout", "30");
    assertThat(
            ConnectionParameters.driverProperties(
                PostgresConnectionInfo.parse("postgresql://db/app?socketTimeout=0"),
                Map.of(),
                migrate))
        .doesNotContainKey("socketTimeout");
  }

  @Test
  void theDriverGetsTheAllowListUserAndPasswordAndNothingElse() {
    PostgresConnectionInfo info =
        PostgresConnectionInfo.parse(
            "postgresql://app:pw@db/app?sslmode=verify-full&sslpassword=kp&options=-c%20search_path%3Dx"
                + "&application_name=a&prepareThreshold=0&client_encoding=UTF8");

    Properties p =
        ConnectionParameters.driverProperties(info, Map.of("ApplicationName", "schemagate"), OURS);

    assertThat(p.stringPropertyNames())
        .allSatisfy(
            k ->
                assertThat(
                        ConnectionParameters.allowed().contains(k)
                            || k.equals("user")
                            || k.equals("password"))
                    .as(k)
                    .isTrue());
    assertThat(p)
        .containsEntry("ApplicationName", "a")
        .containsEntry("sslpassword", "kp")
        .containsEntry("options", "-c search_path=x");
  }

  @Test
  void aConnectorDefaultOffTheAllowListIsAProgrammingError() {
    PostgresConnectionInfo info = PostgresConnectionInfo.parse("postgresql://db/app");
    assertThatThrownBy(
            () -> ConnectionParameters.driverProperties(info, Map.of("socketFactory", "x"), OURS))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void allowedParametersReachARealPostgres() throws SQLException {
    EmbeddedPostgres pg = TestPostgres.shared();
    PostgresConnectionInfo info =
        PostgresConnectionInfo.parse(
            "postgresql://postgres:"
                + CANARY
                + "@localhost:"
                + pg.getPort()
                + "/postgres?sslmode=disable&application_name=tenant-app&connect_timeout=0"
                + "&socketTimeout=0&loginTimeout=0&currentSchema=pg_catalog"
                + "&options=-c%20work_mem%3D5MB&target_session_attrs=any&tcpKeepAlive=false");

    try (Connection c = ConnectionParameters.connect(info, Map.of("ApplicationName", "x"), OURS);
        Statement s = c.createStatement()) {
      assertThat(value(s, "SHOW application_name")).isEqualTo("tenant-app");
      assertThat(value(s, "SHOW work_mem")).isEqualTo("5MB");
      assertThat(value(s, "SELECT current_schema()")).isEqualTo("pg_catalog");
      assertThat(value(s, "SELECT ssl::text FROM pg_stat_ssl WHERE pid = pg_backend_pid()"))
          .isEqualTo("false");
      assertThat(c.getNetworkTimeout()).as("socketTimeout=0 clamped to ours").isEqualTo(7000);
    }
  }

  private static String value(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
