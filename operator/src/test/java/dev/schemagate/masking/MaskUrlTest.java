package dev.schemagate.masking;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MaskUrlTest {

  private final Masker masker = Masker.standard();

  @Test
  void supabasePoolerUrlAsUsersKnowIt() {
    assertThat(
            masker.maskUrl(
                "postgresql://postgres:S3cr3t!@aws-1-ap-northeast-1.pooler.supabase.com:6543/postgres"))
        .isEqualTo(
            "postgresql://postgres:***@aws-1-ap-northeast-1.pooler.supabase.com:6543/postgres");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          # libpq URIs
          postgres://app:pw@db:5432/app                               | postgres://app:***@db:5432/app
          postgresql://app:p%40ss%3Aw%2F@db/app?sslmode=require        | postgresql://app:***@db/app?sslmode=require
          postgresql://app@db/app?password=pw&sslmode=require          | postgresql://app@db/app?password=***&sslmode=require
          postgresql://app:pw@db/app?sslpassword=kp&application_name=x | postgresql://app:***@db/app?sslpassword=***&application_name=x
          postgresql://app:p@ss@db:5432/app                            | postgresql://app:***@db:5432/app
          postgresql://app:p:a/s?s#w@rd@db:5432/app                    | postgresql://app:***@db:5432/app
          postgresql://app:pw@h1:5432,h2:5433/app                      | postgresql://app:***@h1:5432,h2:5433/app
          postgresql://app:pw@[2001:db8::1]:5432/app                   | postgresql://app:***@[2001:db8::1]:5432/app
          postgresql://app:pw@/app?host=%2Fvar%2Frun%2Fpostgresql      | postgresql://app:***@/app?host=%2Fvar%2Frun%2Fpostgresql
          postgresql://db:5432/app                                     | postgresql://db:5432/app
          postgresql://app@db/app                                      | postgresql://app@db/app
          postgresql://app:@db/app                                     | postgresql://app:@db/app
          # JDBC
          jdbc:postgresql://db:5432/app?user=app&password=pw&ssl=true  | jdbc:postgresql://db:5432/app?user=app&password=***&ssl=true
          jdbc:postgresql://app:pw@db:5432/app                         | jdbc:postgresql://app:***@db:5432/app
          # Redis
          redis://redis:6379/0                                         | redis://redis:6379/0
          redis://default:pw@redis:6379/0                              | redis://default:***@redis:6379/0
          redis://:pw@redis:6379/0                                     | redis://:***@redis:6379/0
          redis://pw@redis:6379/0                                      | redis://***@redis:6379/0
          rediss://default:pw@cache.example.com:6380                   | rediss://default:***@cache.example.com:6380
          # AMQP
          amqp://guest:guest@rabbit:5672/%2F                           | amqp://guest:***@rabbit:5672/%2F
          amqps://app:pw@mq.example.com/vhost?heartbeat=30             | amqps://app:***@mq.example.com/vhost?heartbeat=30
          # others, and what cannot be read: fail closed
          https://token@github.com/org/repo.git                        | https://***@github.com/org/repo.git
          postgresql://app:pw@db:port/app                              | postgresql://***@db:port/app
          postgresql://a/b?c=d@db/app                                  | postgresql://***@db/app
          """)
  void masksPasswordKeepsTheRest(String url, String masked) {
    assertThat(masker.maskUrl(url)).isEqualTo(masked);
  }

  @Test
  void libpqKeyValueStrings() {
    assertThat(
            masker.maskUrl(
                "host=db.example.com port=5432 dbname=app user=app password='a b\\' c'"
                    + " sslmode=require"))
        .isEqualTo(
            "host=db.example.com port=5432 dbname=app user=app password=*** sslmode=require");
    assertThat(masker.maskUrl("host = db password = pw")).isEqualTo("host = db password = ***");
  }

  @Test
  void whitespaceAroundTheUrlIsKept() {
    assertThat(masker.maskUrl("  postgresql://app:pw@db/app\n"))
        .isEqualTo("  postgresql://app:***@db/app\n");
  }

  @Test
  void passwordWithSpacesInAWholeValue() {
    assertThat(masker.maskUrl("postgresql://app:my pass word@db/app"))
        .isEqualTo("postgresql://app:***@db/app");
  }

  @Test
  void somethingThatIsNotAUrlIsMaskedAsText() {
    assertThat(masker.maskUrl("not a url")).isEqualTo("not a url");
    assertThat(masker.maskUrl("password=pw")).isEqualTo("password=***");
    assertThat(masker.maskUrl("app:pw@db:5432")).isEqualTo("app:***@db:5432");
    assertThat(masker.maskUrl("token://hunter22secret")).isEqualTo("token:***");
    assertThat(masker.maskUrl(null)).isNull();
  }
}
