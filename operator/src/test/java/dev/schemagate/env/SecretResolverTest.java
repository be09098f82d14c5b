package dev.schemagate.env;

import static dev.schemagate.env.Fixtures.DB_URL;
import static dev.schemagate.env.Fixtures.base64;
import static dev.schemagate.env.Fixtures.prosaas;
import static dev.schemagate.env.Fixtures.prosaasSecrets;
import static dev.schemagate.env.Fixtures.secret;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.schemagate.api.AppDeploymentSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretResolverTest {

  private final AppDeploymentSpec spec = prosaas().getSpec();

  @Test
  void decodesBase64DataOfARealSecret() {
    SecretResolver resolver = new SecretResolver(prosaasSecrets()::get);

    Resolution url = resolver.databaseUrl(spec);

    assertThat(url.isFound()).isTrue();
    assertThat(url.value()).isEqualTo(DB_URL);
    assertThat(resolver.redisUrl(spec))
        .hasValueSatisfying(r -> assertThat(r.value()).isEqualTo("redis://redis:6379/0"));
  }

  @Test
  void missingSecretNamesFieldAndSecret() {
    SecretResolver resolver = new SecretResolver(Map.<String, Secret>of()::get);

    Resolution url = resolver.databaseUrl(spec);

    assertThat(url.isFound()).isFalse();
    assertThat(url.reason())
        .isEqualTo("spec.database.urlSecretRef: Secret \"prosaas-db\" not found");
    assertThatThrownBy(url::value).hasMessage(url.reason());
  }

  @Test
  void missingKeyNamesSecretAndKeyButNoValue() {
    Secret withoutUrl = secret("prosaas-db", "uri", DB_URL, "password", "S3cr3t!");
    SecretResolver resolver = new SecretResolver(Map.of("prosaas-db", withoutUrl)::get);

    Resolution url = resolver.databaseUrl(spec);

    assertThat(url.reason())
        .isEqualTo("spec.database.urlSecretRef: Secret \"prosaas-db\" has no key \"url\"")
        .doesNotContain("S3cr3t!", base64("S3cr3t!"), "postgresql");
    assertThat(url.toString()).contains(url.reason());
  }

  @Test
  void invalidBase64IsAReasonWithoutTheData() {
    Secret broken =
        new SecretBuilder()
            .withNewMetadata()
            .withName("prosaas-db")
            .endMetadata()
            .addToData("url", "S3cr3t!not-base64")
            .build();
    Resolution url = new SecretResolver(Map.of("prosaas-db", broken)::get).databaseUrl(spec);

    assertThat(url.reason())
        .isEqualTo(
            "spec.database.urlSecretRef: Secret \"prosaas-db\" key \"url\" is not valid base64")
        .doesNotContain("S3cr3t");
  }

  @Test
  void stringDataIsReadAsTheApiServerWouldHaveMergedIt() {
    Secret written =
        new SecretBuilder()
            .withNewMetadata()
            .withName("prosaas-db")
            .endMetadata()
            .addToData("url", base64("postgresql://old"))
            .addToStringData("url", DB_URL)
            .build();
    assertThat(new SecretResolver(Map.of("prosaas-db", written)::get).databaseUrl(spec).value())
        .isEqualTo(DB_URL);
  }

  @Test
  void unsetReferences() {
    SecretResolver resolver = new SecretResolver(prosaasSecrets()::get);
    AppDeploymentSpec bare = new AppDeploymentSpec();

    assertThat(resolver.databaseUrl(bare).reason()).isEqualTo("spec.database is not set");
    assertThat(resolver.redisUrl(bare)).isEmpty();
    assertThat(resolver.value("spec.x", null, "url").reason())
        .isEqualTo("spec.x: needs both a Secret name and a key");
  }

  @Test
  void resolutionsNeverShowTheirValue() {
    assertThat(Resolution.found("S3cr3t!").toString()).doesNotContain("S3cr3t!");
    assertThat(Resolution.found("S3cr3t!").asOptional()).contains("S3cr3t!");
  }
}
