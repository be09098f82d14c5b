package dev.schemagate.masking;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Secrets in free text beyond {@code name=value} (security review "Hardening", item 7): command
 * line flags, phrases, {@code token:x}, XML elements, vendor token shapes, {@code =>}. Each row:
 * the text, then what masking must give. Rows that come out unchanged are the false positives the
 * rules are built to avoid.
 */
class MaskTextShapesTest {

  private final Masker masker = Masker.standard();

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      textBlock =
          """
          mysql --password hunter22secret -h db app                      | mysql --password *** -h db app
          flyway --password=hunter22secret migrate                       | flyway --password=*** migrate
          tool --passwd hunter22secret --pass hunter33secret -v          | tool --passwd *** --pass *** -v
          run -password hunter22secret                                   | run -password ***
          vault login --token "a b c" -method=token                      | vault login --token "***" -method=token
          args: ["--password", "hunter22secret", "--host", "db"]         | args: ["--password", "***", "--host", "db"]
          app --db-password\thunter22secret                              | app --db-password\t***
          app --password-file /run/secrets/pw --token-ttl 5m              | app --password-file /run/secrets/pw --token-ttl 5m
          app --secret-name app-db --jobs-to-keep 3                      | app --secret-name app-db --jobs-to-keep 3
          psql --no-password -h db app                                   | psql --no-password -h db app
          docker login --password-stdin registry.example.com             | docker login --password-stdin registry.example.com
          psql --password -h db app                                      | psql --password -h db app
          """)
  void longFlags(String text, String masked) {
    assertThat(masker.maskText(text)).isEqualTo(masked);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      textBlock =
          """
          psql -h db -U app -W hunter22secret app                        | psql -h db -U app -W *** app
          + pg_dump -W 'S3cr3t x' app                                    | + pg_dump -W '***' app
          psql -W -h db app                                              | psql -W -h db app
          gcc -Wall -Werror -W main.c                                    | gcc -Wall -Werror -W ***
          mysql -uroot -phunter22secret app                              | mysql -uroot -p*** app
          + /usr/bin/mysqldump -h db -u app -p123456 app                 | + /usr/bin/mysqldump -h db -u app -p*** app
          mariadb -u app -p'S3cr3t x' app                                | mariadb -u app -p'***' app
          MYSQL: mycli -pabc app                                         | MYSQL: mycli -p*** app
          $CLIENT -u app -pS3cr3t!x app                                  | $CLIENT -u app -p*** app
          psql -h db -p5432 -U app app                                   | psql -h db -p5432 -U app app
          docker run -p8080:80 -p127.0.0.1:9090:90/tcp image            | docker run -p8080:80 -p127.0.0.1:9090:90/tcp image
          mkdir -pv /data && cp -pr a b && tar -pxzf x.tgz               | mkdir -pv /data && cp -pr a b && tar -pxzf x.tgz
          find . -print -prune && go test -parallel=4 -password=x       | find . -print -prune && go test -parallel=4 -password=***
          docker run -p3306:3306 mysql:8                                 | docker run -p3306:3306 mysql:8
          run -psecretword                                               | run -psecretword
          mysql -h db -P 3306 -p app                                     | mysql -h db -P 3306 -p app
          """)
  void passwordFlagsOfDatabaseClients(String text, String masked) {
    assertThat(masker.maskText(text)).isEqualTo(masked);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      textBlock =
          """
          password is: hunter22secret                                    | password is: ***
          Your new password is: hunter22secret (keep it)                 | Your new password is: *** (keep it)
          The api key for app is: k-123!x                                | The api key for app is: ***
          generated token was : "a b"                                    | generated token was : "***"
          secret value: hunter22secret                                   | secret value: ***
          Secret not found: prosaas-db                                   | Secret not found: prosaas-db
          secret name: app-db                                            | secret name: app-db
          token expired at: 2026-11-24T10:00:00Z                         | token expired at: 2026-11-24T10:00:00Z
          password file path: /run/secrets/pw                            | password file path: /run/secrets/pw
          FATAL: password authentication failed for user "app": boom     | FATAL: password authentication failed for user "app": boom
          the password was wrong for user app in db prod: retry          | the password was wrong for user app in db prod: retry
          """)
  void secretWordAFewWordsThenAColon(String text, String masked) {
    assertThat(masker.maskText(text)).isEqualTo(masked);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      textBlock =
          """
          token:hunter22secret                                           | token:***
          {Password:hunter22secret User:app}                             | {Password:*** User:app}
          x-api-key:abc123 host:db                                       | x-api-key:*** host:db
          at dev.app.TokenStore.load(TokenStore.java:42)                 | at dev.app.TokenStore.load(TokenStore.java:42)
          at load (/app/lib/token.js:10:5)                               | at load (/app/lib/token.js:10:5)
          pulling ghcr.io/acme/secret-manager:v2                         | pulling ghcr.io/acme/secret-manager:v2
          use secrets::load and token::Token                             | use secrets::load and token::Token
          password_reset_at: 2026-11-24T10:00:00Z                        | password_reset_at: 2026-11-24T10:00:00Z
          secret_name: app-db                                            | secret_name: app-db
          password_reset_at:2026-11-24                                   | password_reset_at:2026-11-24
          """)
  void nameColonValueWithoutASpace(String text, String masked) {
    assertThat(masker.maskText(text)).isEqualTo(masked);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      textBlock =
          """
          <user>app</user><password>hunter22secret</password>            | <user>app</user><password>***</password>
          <ns:Password type="text">a b c</ns:Password>                   | <ns:Password type="text">***</ns:Password>
          <db_token>hunter22secret                                       | <db_token>***
          <entry key="db.password">hunter22secret</entry>                | <entry key="***">***</entry>
          <property name="password" value="hunter22secret"/>             | <property name="password" value="***"/>
          hunter22secret</password> done                                 | ***</password> done
          <secretName>app-db</secretName><passwordFile>/x</passwordFile> | <secretName>app-db</secretName><passwordFile>/x</passwordFile>
          <property name="url" value="jdbc:postgresql://db/app"/>        | <property name="url" value="jdbc:postgresql://db/app"/>
          <password/> <token></token>                                    | <password/> <token></token>
          """)
  void xmlElements(String text, String masked) {
    assertThat(masker.maskText(text)).isEqualTo(masked);
  }

  @Test
  void xmlElementOverSeveralLines() {
    assertThat(masker.maskText("<password>\n  hunter22secret\n</password>\n<user>app</user>"))
        .isEqualTo("<password>***</password>\n<user>app</user>");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      textBlock =
          """
          POST https://hooks.slack.com/services/T0123ABCD/B0456EFGH/abcdefghijklmnopqrstuvwx: 404 | POST https://hooks.slack.com/services/***: 404
          posting to hooks.slack.com/workflows/T0123ABCD/A0456EFGH/1234/abcdef failed              | posting to hooks.slack.com/workflows/*** failed
          path=/services/T0123ABCD/B0456EFGH/abcdefghijklmnopqrstuvwx                              | path=/services/***
          bot xoxb-123456789012-1234567890123-abcdefghijklmnopqrstuvwx                             | bot xoxb-***
          GET /services/api/health 200                                                              | GET /services/api/health 200
          stripe sk_live_4eC39HqLyjWDarjtT1zdp7dc and rk_live_4eC39HqLyjWDarjtT1zdp7dc              | stripe sk_live_*** and rk_live_***
          test key sk_test_4eC39HqLyjWDarjtT1zdp7dc,                                                | test key sk_test_***,
          publishable pk_live_4eC39HqLyjWDarjtT1zdp7dc stays                                        | publishable pk_live_4eC39HqLyjWDarjtT1zdp7dc stays
          gh ghp_0123456789abcdefghijABCDEFGHIJ012345                                               | gh ghp_***
          gho_0123456789abcdefghijABCDEFGHIJ012345 ghu_0123456789abcdefghijABCDEFGHIJ012345         | gho_*** ghu_***
          ghs_0123456789abcdefghijABCDEFGHIJ012345 ghr_0123456789abcdefghijABCDEFGHIJ012345         | ghs_*** ghr_***
          pat github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJ                   | pat github_pat_***
          ghp_short and task_test_runner and sk_live_config                                        | ghp_short and task_test_runner and sk_live_config
          aws AKIAIOSFODNN7EXAMPLE / ASIAIOSFODNN7EXAMPLE.                                          | aws AKIA*** / ASIA***.
          AKIAIOSFODNN7EXAMPLEXYZ BAKIAIOSFODNN7EXAMPLE                                             | AKIAIOSFODNN7EXAMPLEXYZ BAKIAIOSFODNN7EXAMPLE
          jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk ok | jwt *** ok
          unsigned eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0. ok                                          | unsigned *** ok
          """)
  void vendorTokens(String text, String masked) {
    assertThat(masker.maskText(text)).isEqualTo(masked);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      textBlock =
          """
          secret => "abcd1234secret"                                     | secret => "***"
          {:password => 'hunter22secret', :user => 'app'}                | {:password => '***', :user => 'app'}
          $cfg = ['db_password'=>"hunter22secret"];                      | $cfg = ['db_password'=>"***"];
          password := "hunter22secret"                                   | password := "***"
          if password == hunter22secret then                             | if password == *** then
          user => "app"                                                  | user => "app"
          """)
  void arrowAndOtherSeparators(String text, String masked) {
    assertThat(masker.maskText(text)).isEqualTo(masked);
  }

  /** A migration's statement is shown when it fails: a role's password in it is hidden. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      textBlock =
          """
          in: CREATE ROLE app LOGIN PASSWORD 'hunter22secret'             | in: CREATE ROLE app LOGIN PASSWORD '***'
          in: ALTER USER app WITH password E'it''s-hunter22'              | in: ALTER USER app WITH password E'***'
          ALTER ROLE app PASSWORD NULL                                    | ALTER ROLE app PASSWORD NULL
          """)
  void sqlRolePasswords(String text, String masked) {
    assertThat(masker.maskText(text)).isEqualTo(masked);
  }

  @Test
  void privateKeyWhoseBeginLineWasCutOff() {
    String tail = "rt of a line\nMIIEowIBAAK\nqwerty+/==\n-----END RSA PRIVATE KEY-----\nnext line";
    assertThat(masker.maskText(tail))
        .isEqualTo("rt of a line\n***-----END RSA PRIVATE KEY-----\nnext line")
        .doesNotContain("MIIEow", "qwerty");
    assertThat(masker.maskText("error: bad key\nMIIEowIBAAK\n-----END PRIVATE KEY-----"))
        .isEqualTo("error: bad key\n***-----END PRIVATE KEY-----");
  }

  @Test
  void maskingTheNewShapesTwiceChangesNothing() {
    String once =
        masker.maskText(
            "mysql -pS3cr3t --password x -W y password is: z token:t <password>p</password>"
                + " sk_live_4eC39HqLyjWDarjtT1zdp7dc secret => \"s\"");
    assertThat(once)
        .isEqualTo(
            "mysql -p*** --password *** -W *** password is: *** token:*** <password>***</password>"
                + " sk_live_*** secret => \"***\"");
    assertThat(masker.maskText(once)).isEqualTo(once);
  }

  @Test
  void maskTextFromHidesASecretNamedBeforeTheCut() {
    String text = "log line password: hunter22secret and more";
    int cut = text.indexOf("ter22secret");
    assertThat(masker.maskTextFrom(text, cut)).isEqualTo("*** and more");
    assertThat(masker.maskTextFrom(text, text.indexOf(" hunter"))).isEqualTo(" *** and more");
    assertThat(masker.maskTextFrom(text, 0)).isEqualTo(masker.maskText(text));
    assertThat(masker.maskTextFrom(text, text.indexOf("and"))).isEqualTo("and more");
    assertThat(
            Masker.withKnownSecrets(java.util.List.of("knownValue9"))
                .maskTextFrom("x knownValue9 y", 4))
        .isEqualTo("*** y");
  }
}
