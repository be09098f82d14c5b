package dev.schemagate.masking;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.UnknownHostException;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MaskTextTest {

  private final Masker masker = Masker.standard();

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      textBlock =
          """
          connect to postgresql://app:pw@db/app failed: timeout      | connect to postgresql://app:***@db/app failed: timeout
          url=postgresql://app:pw@db/app,redis=redis://:rpw@r:6379/0  | url=postgresql://app:***@r:6379/0
          (see redis://default:rpw@cache:6379)                        | (see redis://default:***@cache:6379)
          UnknownHostException: postgres:S3cr3t!@db.example.com       | UnknownHostException: postgres:***@db.example.com
          PASSWORD=hunter2 FLASK_ENV=production                       | PASSWORD=*** FLASK_ENV=production
          DB_PASSWORD='a b' sslpassword=x                             | DB_PASSWORD='***' sslpassword=***
          host=db user=app password='a b c' dbname=app                | host=db user=app password='***' dbname=app
          Authorization: Bearer eyJhbGciOi.payload.sig                | Authorization: Bearer ***
          api_key: abc123 and token = xyz                             | api_key: *** and token = ***
          at dev.app.TokenStore.load(TokenStore.java:42)              | at dev.app.TokenStore.load(TokenStore.java:42)
          FATAL: password authentication failed for user "app"        | FATAL: password authentication failed for user "app"
          Secret "prosaas-db" has no key "url"                        | Secret "prosaas-db" has no key "url"
          spec.database.urlSecretRef: Secret "db" not found           | spec.database.urlSecretRef: Secret "db" not found
          PASSWORD_FILE=/run/secrets/pw KEYBOARD=us                   | PASSWORD_FILE=/run/secrets/pw KEYBOARD=us
          jdbc:postgresql:app?password=pw&ssl=true                    | jdbc:postgresql:app?password=***&ssl=true
          mail me at ops@example.com                                  | mail me at ops@example.com
          """)
  void masksSecretsInFreeText(String text, String masked) {
    assertThat(masker.maskText(text)).isEqualTo(masked);
  }

  @Test
  void aPasswordThatLooksLikeTheStartOfAUrlIsMaskedWhole() {
    // Found by the masking properties: "pa://ss" was read as a URL with scheme "pa".
    assertThat(masker.maskText("UnknownHostException: app:pa://ss@db.internal"))
        .isEqualTo("UnknownHostException: app:***@db.internal");
  }

  @Test
  void aSecretValueThatStartsWithTwoSlashesIsNotTakenForAUrl() {
    // "token://x" reads like a URL whose scheme is "token", with no password in it to hide.
    assertThat(masker.maskText("token://hunter22secret next")).isEqualTo("token:*** next");
    assertThat(masker.maskText("{Password://hunter22secret User:app}"))
        .isEqualTo("{Password:*** User:app}");
    assertThat(masker.maskText("password://u:hunter22secret@db/app"))
        .doesNotContain("hunter22secret");
    // a scheme that is no secret's name stays a URL, its password hidden as usual
    assertThat(masker.maskText("see a://user:p//w@host")).isEqualTo("see a://user:***@host");
  }

  @Test
  void aJsonEscapedConninfoPasswordStartingWithAQuoteAndAnAmpersand() {
    // The password '&hunter22 is written password='\'&hunter22' in libpq; inside JSON its
    // backslash is doubled, and the quote after the two backslashes does not end the value.
    String json = "{\"dsn\":\"host=db password='\\\\'&hunter22' dbname=app\"}";

    String masked = masker.maskText(json);

    assertThat(masked).doesNotContain("hunter22").contains("password='***' dbname=app");
    assertThat(masker.maskText("password='\\\\'&hunter22'")).isEqualTo("password='***'");
  }

  @Test
  void jsonAndEscapedJson() {
    assertThat(masker.maskText("{\"url\":\"postgresql://u:pw@db/app\",\"password\": \"x\\\"y\"}"))
        .isEqualTo("{\"url\":\"postgresql://u:***@db/app\",\"password\": \"***\"}");
    assertThat(masker.maskText("{\\\"token\\\":\\\"abc\\\"}"))
        .isEqualTo("{\\\"token\\\":\\\"***\\\"}");
    assertThat(masker.maskText("{'password': 'pw'}")).isEqualTo("{'password': '***'}");
  }

  @Test
  void privateKeysInPem() {
    String pem =
        "key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nIBAAK\n-----END RSA PRIVATE KEY-----\n";
    assertThat(masker.maskText(pem))
        .isEqualTo("key:\n-----BEGIN RSA PRIVATE KEY-----***-----END RSA PRIVATE KEY-----\n");
  }

  @Test
  void multiLineLogTail() {
    String tail =
        """
        Traceback (most recent call last):
          sqlalchemy.exc.OperationalError: could not connect to postgresql://app:pw1@db:5432/app
        DATABASE_URL=postgres://app:pw2@db/app
        """;
    String masked = masker.maskText(tail);
    assertThat(masked).doesNotContain("pw1", "pw2");
    assertThat(masked)
        .contains("postgresql://app:***@db:5432/app")
        .contains("DATABASE_URL=postgres://app:***@db/app");
  }

  @Test
  void maskingTwiceChangesNothing() {
    String once = masker.maskText("a postgresql://u:pw@db/app b PASSWORD=x \"token\": \"t\"");
    assertThat(masker.maskText(once)).isEqualTo(once);
  }

  @Test
  void knownSecretsAreHiddenWhereverTheyAppear() {
    Masker known =
        Masker.withKnownSecrets(
            List.of("sk_live_4eC39Hq", "postgresql://app:S3cr3t!@db/app", "abc", "line1-secret\n"));
    assertThat(known.maskText("key sk_live_4eC39Hq; pw S3cr3t! or S3cr3t%21 or S3cr3t%21"))
        .isEqualTo("key ***; pw *** or *** or ***");
    assertThat(known.maskText("token line1-secret")).isEqualTo("token ***");
    // shorter than 4 characters: would hide ordinary words
    assertThat(known.maskText("abc")).isEqualTo("abc");
    // the host and database of a known URL stay readable
    assertThat(known.maskText("connected to db/app")).isEqualTo("connected to db/app");
  }

  @Test
  void exceptionChainsAreMaskedMessageByMessage() {
    Exception e =
        new IllegalStateException(
            "verify failed",
            new SQLException(
                "The connection attempt failed for jdbc:postgresql://app:pw@db/app",
                new UnknownHostException("app:pw@db")));
    assertThat(masker.maskThrowable(e))
        .isEqualTo(
            "IllegalStateException: verify failed; caused by: SQLException: The connection attempt"
                + " failed for jdbc:postgresql://app:***@db/app; caused by: UnknownHostException:"
                + " app:***@db");
  }

  @Test
  void exceptionChainWithCycleAndWrappedMessage() {
    RuntimeException inner = new RuntimeException("password=pw");
    RuntimeException outer = new RuntimeException(inner);
    inner.initCause(outer);
    assertThat(masker.maskThrowable(outer))
        .isEqualTo("RuntimeException; caused by: RuntimeException: password=***");
    assertThat(masker.maskThrowable(null)).isNull();
  }

  @Test
  void toStringNamesNoSecret() {
    assertThat(Masker.withKnownSecrets(List.of("S3cr3tValue")).toString())
        .doesNotContain("S3cr3tValue")
        .startsWith("Masker[");
  }
}
