package dev.schemagate.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.util.Properties;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.postgresql.Driver;

class PostgresConnectionInfoTest {

  @Test
  void supabasePoolerUrl() throws SQLException {
    PostgresConnectionInfo info =
        PostgresConnectionInfo.parse(
            "postgresql://postgres:S3cr3t!@aws-1-ap-northeast-1.pooler.supabase.com:6543/postgres");

    assertThat(info.jdbcUrl())
        .isEqualTo("jdbc:postgresql://aws-1-ap-northeast-1.pooler.supabase.com:6543/postgres");
    assertThat(info.properties())
        .containsEntry("user", "postgres")
        .containsEntry("password", "S3cr3t!");
    assertThat(info.displayUrl())
        .isEqualTo(
            "postgresql://postgres:***@aws-1-ap-northeast-1.pooler.supabase.com:6543/postgres");
    assertThat(info.toString()).isEqualTo(info.displayUrl());

    Properties parsed = Driver.parseURL(info.jdbcUrl(), info.properties());
    assertThat(parsed)
        .containsEntry("PGHOST", "aws-1-ap-northeast-1.pooler.supabase.com")
        .containsEntry("PGPORT", "6543")
        .containsEntry("PGDBNAME", "postgres")
        .containsEntry("password", "S3cr3t!");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      textBlock =
          """
          postgres://app:pw@db/app | jdbc:postgresql://db/app |  | app | pw
          postgres://app:50%off@db/app | jdbc:postgresql://db/app |  | app | 50%off
          postgresql://app:p%40ss%3Aw%2F%3F@db:5432/app?sslmode=require | jdbc:postgresql://db:5432/app | sslmode=require | app | p@ss:w/?
          postgresql://app:p@ss:w/o?rd#x@h1:5432,h2:5433/app | jdbc:postgresql://h1:5432,h2:5433/app |  | app | p@ss:w/o?rd#x
          postgresql://db/app?user=app&password=p%26w&application_name=my%20app | jdbc:postgresql://db/app | ApplicationName=my app | app | p&w
          postgresql://app:pw@db/app?target_session_attrs=read-write&connect_timeout=5 | jdbc:postgresql://db/app | targetServerType=primary&connectTimeout=5 | app | pw
          postgresql://app:pw@[::1]:5433/app | jdbc:postgresql://[::1]:5433/app |  | app | pw
          postgresql://app:pw@/app?host=h1,h2&port=5432,5433 | jdbc:postgresql://h1:5432,h2:5433/app |  | app | pw
          postgresql://app:pw@db:5433 | jdbc:postgresql://db:5433/ |  | app | pw
          postgresql://app:pw@:5433/app | jdbc:postgresql://localhost:5433/app |  | app | pw
          jdbc:postgresql://db:5432/app?user=app&password=p%2Bw+x&ssl=true | jdbc:postgresql://db:5432/app | ssl=true | app | p+w x
          jdbc:postgresql://app:pw@db:5432/app | jdbc:postgresql://db:5432/app |  | app | pw
          host=db port=5432 dbname=app user=app password='a b\\' c' sslmode=require | jdbc:postgresql://db:5432/app | sslmode=require | app | a b' c
          host=h1,h2 port=5432,5433 dbname=app user=app password=pw | jdbc:postgresql://h1:5432,h2:5433/app |  | app | pw
          """)
  void everyShapeBecomesAJdbcUrlWithoutCredentials(
      String url, String jdbcUrl, String params, String user, String password) throws SQLException {
    PostgresConnectionInfo info = PostgresConnectionInfo.parse(url);

    assertThat(info.jdbcUrl()).isEqualTo(jdbcUrl);
    assertThat(
            info.params().entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("&")))
        .as("parameters, in pgjdbc's names")
        .isEqualTo(params == null ? "" : params);
    assertThat(info.user()).isEqualTo(user);
    assertThat(info.properties()).containsEntry("user", user).containsEntry("password", password);
    assertThat(info.displayUrl()).doesNotContain(password);
    assertThat(Driver.parseURL(info.jdbcUrl(), info.properties()))
        .isNotNull()
        .containsEntry("password", password);
  }

  @Test
  void secretParametersGoToPropertiesNotTheUrl() {
    PostgresConnectionInfo info =
        PostgresConnectionInfo.parse(
            "postgresql://app@db/app?sslmode=verify-full&sslpassword=kp&sslkey=/k.pk8");
    assertThat(info.jdbcUrl()).isEqualTo("jdbc:postgresql://db/app");
    assertThat(info.properties()).containsEntry("sslpassword", "kp").doesNotContainKey("password");
    assertThat(info.params()).containsOnlyKeys("sslmode", "sslkey");
  }

  @Test
  void databaseNamesAreEncodedForPgjdbc() throws SQLException {
    PostgresConnectionInfo info = PostgresConnectionInfo.parse("postgresql://db/my%20app%2Bdb");
    assertThat(info.database()).isEqualTo("my app+db");
    assertThat(Driver.parseURL(info.jdbcUrl(), info.properties()))
        .containsEntry("PGDBNAME", "my app+db");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          mysql://app:S3cr3tPw@db/app                 | unsupported scheme "mysql"
          postgresql://app:S3cr3tPw@db:99999/app      | port of host 1 must be between 1 and 65535
          postgresql://app:S3cr3tPw@db:port/app       | cannot read the host list of postgresql://***@db:port/app
          postgresql://app:S3cr3tPw@%2Fvar%2Frun/app  | host 1 is a Unix-domain socket directory
          postgresql://app:S3cr3tPw@db/app?host=a,b&port=1,2,3 | port lists 3 ports for 2 hosts
          user=app password=S3cr3tPw sslmode          | not a PostgreSQL connection string
          S3cr3tPw                                    | not a PostgreSQL connection string
          app:S3cr3tPw:x@db/app                       | not a PostgreSQL connection string
          jdbc:mysql://app:S3cr3tPw@db/app            | unsupported scheme "jdbc:mysql"
          """)
  void unusableUrlsAreRefusedWithoutTheirPassword(String url, String message) {
    assertThatThrownBy(() -> PostgresConnectionInfo.parse(url))
        .isInstanceOf(ConnectionUrlException.class)
        .hasMessageContaining(message)
        .message()
        .doesNotContain("S3cr3tPw");
  }

  @Test
  void emptyUrl() {
    assertThatThrownBy(() -> PostgresConnectionInfo.parse(" "))
        .isInstanceOf(ConnectionUrlException.class)
        .hasMessage("the database URL is empty");
  }
}
