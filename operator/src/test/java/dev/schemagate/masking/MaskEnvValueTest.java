package dev.schemagate.masking;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MaskEnvValueTest {

  private final Masker masker = Masker.standard();

  @ParameterizedTest(name = "{0}={1} fromSecret={2}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          SERVICE_ROLE   | worker                                         | false | worker
          FLASK_ENV      | production                                     | false | production
          FLASK_ENV      | production                                     | true  | ***
          DB_PASSWORD    | hunter2                                        | false | ***
          SECRET_KEY     | abc                                            | false | ***
          OPENAI_API_KEY | sk-abc                                         | false | ***
          TWILIO_AUTH_TOKEN | t                                           | false | ***
          KEYBOARD       | us                                             | false | us
          PASSWORD_FILE  | /run/secrets/pw                                | false | /run/secrets/pw
          DATABASE_URL   | postgresql://app:pw@db:5432/app                | true  | postgresql://app:***@db:5432/app
          DATABASE_URL   | host=db dbname=app password=pw                 | true  | host=db dbname=app password=***
          REDIS_URL      | redis://redis:6379/0                           | true  | redis://redis:6379/0
          WEBHOOK        | https://hooks.slack.com/services/T0/B0/XYZ     | true  | https://hooks.slack.com/***
          WEBHOOK        | https://hooks.example.com/x?sig=abc            | true  | https://hooks.example.com/***?***
          OPTIONS        | a=b                                            | true  | ***
          NOTE           | see password=pw                                | false | see password=***
          """)
  void rules(String name, String value, boolean fromSecret, String shown) {
    assertThat(masker.maskEnvValue(name, value, fromSecret)).isEqualTo(shown);
  }

  @Test
  void emptyAndMissingValues() {
    assertThat(masker.maskEnvValue("DB_PASSWORD", "", true)).isEmpty();
    assertThat(masker.maskEnvValue("DB_PASSWORD", null, true)).isNull();
  }

  @Test
  void aKnownSecretInsideAPlainValueIsHidden() {
    Masker known = Masker.withKnownSecrets(List.of("S3cr3tValue"));
    assertThat(known.maskEnvValue("GREETING", "hello S3cr3tValue", false)).isEqualTo("hello ***");
  }
}
