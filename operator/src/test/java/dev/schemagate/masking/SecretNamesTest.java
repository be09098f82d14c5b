package dev.schemagate.masking;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SecretNamesTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "PASSWORD",
        "DB_PASSWORD",
        "PGPASSWORD",
        "sslpassword",
        "sslPassword",
        "passwd",
        "PWD",
        "SECRET_KEY",
        "JWT_SECRET",
        "API_KEY",
        "x-api-key",
        "apikey",
        "AWS_SECRET_ACCESS_KEY",
        "GITHUB_TOKEN",
        "TWILIO_AUTH_TOKEN",
        "AUTH",
        "Authorization",
        "PRIVATE_KEY",
        "privateKey",
        "GOOGLE_APPLICATION_CREDENTIALS",
        "SUPABASE_SERVICE_ROLE_KEY",
        "SESSION_COOKIE",
        "SALT",
        "spring.datasource.password",
        "passphrase",
        "KEYS"
      })
  void secret(String name) {
    assertThat(SecretNames.looksSecret(name)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "SERVICE_ROLE", "FLASK_ENV", "DATABASE_URL", "REDIS_URL", "KEYBOARD_LAYOUT", "MONKEY",
        "PASSWORD_FILE", "SECRET_NAME", "urlSecretRef", "secretRef", "TOKEN_URL", "sslkey",
        "sslmode", "user", "application_name", "PASSWORD_MIN_LENGTH", "HOST", "",
        // a moment, not a secret; where the secret is read from
        "password_reset_at", "tokenIssuedAt", "password-stdin"
      })
  void notSecret(String name) {
    assertThat(SecretNames.looksSecret(name)).isFalse();
  }
}
