package dev.schemagate.env;

import static dev.schemagate.env.Fixtures.DB_URL;
import static dev.schemagate.env.Fixtures.configMap;
import static dev.schemagate.env.Fixtures.fromSecret;
import static dev.schemagate.env.Fixtures.literal;
import static dev.schemagate.env.Fixtures.prosaas;
import static dev.schemagate.env.Fixtures.prosaasSecrets;
import static dev.schemagate.env.Fixtures.secret;
import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.ComponentSpec;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvFromSourceBuilder;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvResolverTest {

  private final AppDeployment appd = prosaas();
  private final Map<String, Secret> secrets = new HashMap<>(prosaasSecrets());
  private final Map<String, ConfigMap> configMaps = new HashMap<>();
  private final EnvResolver resolver = new EnvResolver(secrets::get, configMaps::get);

  private ComponentSpec api() {
    return appd.getSpec().getComponents().get(0);
  }

  private ComponentSpec worker() {
    return appd.getSpec().getComponents().get(1);
  }

  @Test
  void sharedEnvWithValuesFromSecretsAndServiceRole() {
    ResolvedEnv env = resolver.component(appd, worker());

    assertThat(env.isComplete()).isTrue();
    assertThat(env.values().keySet())
        .containsExactly("SERVICE_ROLE", "DATABASE_URL", "REDIS_URL", "FLASK_ENV");
    assertThat(env.get("DATABASE_URL")).contains(EnvValue.fromSecret(DB_URL));
    assertThat(env.get("FLASK_ENV")).contains(EnvValue.literal("production"));
    assertThat(env.get("SERVICE_ROLE")).contains(EnvValue.literal("worker"));
    assertThat(env.secretBackedNames()).containsExactly("DATABASE_URL", "REDIS_URL");
    assertThat(env.secretValues()).containsExactly(DB_URL, "redis://redis:6379/0");
  }

  @Test
  void serviceRoleDefaultsToTheComponentName() {
    assertThat(resolver.component(appd, api()).get("SERVICE_ROLE"))
        .contains(EnvValue.literal("api"));
    worker().setRole("background");
    assertThat(resolver.component(appd, worker()).get("SERVICE_ROLE"))
        .contains(EnvValue.literal("background"));
  }

  @Test
  void serviceRoleSetBySharedOrComponentEnvIsNotInjected() {
    worker().setEnv(new ArrayList<>(List.of(literal("SERVICE_ROLE", "custom"))));
    assertThat(resolver.component(appd, worker()).get("SERVICE_ROLE"))
        .contains(EnvValue.literal("custom"));
    assertThat(ServiceRole.injected(appd.getSpec(), worker())).isEmpty();

    appd.getSpec().getEnv().add(literal("SERVICE_ROLE", "everyone"));
    assertThat(resolver.component(appd, api()).get("SERVICE_ROLE"))
        .contains(EnvValue.literal("everyone"));
    assertThat(ServiceRole.setByEnv(appd.getSpec(), api())).isTrue();
  }

  @Test
  void serviceRoleFromEnvFromIsOverriddenByTheInjectedOne() {
    secrets.put("roles", secret("roles", "SERVICE_ROLE", "from-secret"));
    worker()
        .setEnvFrom(List.of(new EnvFromSourceBuilder().withNewSecretRef("roles", null).build()));

    assertThat(resolver.component(appd, worker()).get("SERVICE_ROLE"))
        .contains(EnvValue.literal("worker"));
    assertThat(ServiceRole.injected(appd.getSpec(), worker()))
        .hasValueSatisfying(e -> assertThat(e.getValue()).isEqualTo("worker"));
  }

  @Test
  void migrationEnvHasNoServiceRole() {
    assertThat(resolver.shared(appd).values()).doesNotContainKey("SERVICE_ROLE");
  }

  @Test
  void envFromSecretsAndConfigMapsWithPrefixAndPrecedence() {
    secrets.put(
        "app-secrets", secret("app-secrets", "STRIPE_KEY", "sk_live_abc", "MODE", "secret"));
    configMaps.put("app-config", configMap("app-config", "MODE", "config", "LOG_LEVEL", "info"));
    appd.getSpec()
        .setEnvFrom(
            List.of(
                new EnvFromSourceBuilder().withNewSecretRef("app-secrets", null).build(),
                new EnvFromSourceBuilder()
                    .withNewConfigMapRef("app-config", null)
                    .withPrefix("CFG_")
                    .build()));
    worker()
        .setEnvFrom(
            List.of(new EnvFromSourceBuilder().withNewConfigMapRef("app-config", null).build()));
    worker().setEnv(List.of(literal("LOG_LEVEL", "debug")));

    ResolvedEnv env = resolver.component(appd, worker());

    assertThat(env.get("STRIPE_KEY")).contains(EnvValue.fromSecret("sk_live_abc"));
    assertThat(env.get("CFG_MODE")).contains(EnvValue.literal("config"));
    // later envFrom sources win; env wins over envFrom
    assertThat(env.get("MODE")).contains(EnvValue.literal("config"));
    assertThat(env.get("LOG_LEVEL")).contains(EnvValue.literal("debug"));
    assertThat(env.secretBackedNames()).contains("STRIPE_KEY").doesNotContain("MODE");
  }

  @Test
  void configMapKeyRefAndFieldRefs() {
    configMaps.put("app-config", configMap("app-config", "region", "eu"));
    worker()
        .setEnv(
            List.of(
                new EnvVarBuilder()
                    .withName("REGION")
                    .withNewValueFrom()
                    .withNewConfigMapKeyRef("region", "app-config", null)
                    .endValueFrom()
                    .build(),
                new EnvVarBuilder()
                    .withName("NAMESPACE")
                    .withNewValueFrom()
                    .withNewFieldRef(null, "metadata.namespace")
                    .endValueFrom()
                    .build(),
                new EnvVarBuilder()
                    .withName("POD_IP")
                    .withNewValueFrom()
                    .withNewFieldRef(null, "status.podIP")
                    .endValueFrom()
                    .build()));

    ResolvedEnv env = resolver.component(appd, worker());

    assertThat(env.get("REGION")).contains(EnvValue.literal("eu"));
    assertThat(env.get("NAMESPACE")).contains(EnvValue.literal("prod"));
    assertThat(env.get("POD_IP")).contains(EnvValue.atRuntime("fieldRef status.podIP"));
  }

  @Test
  void referencesExpandAndCarryTheSecretAlong() {
    secrets.put("pg", secret("pg", "password", "S3cr3t!"));
    appd.getSpec()
        .setEnv(
            List.of(
                fromSecret("DB_PASSWORD", "pg", "password"),
                literal("DATABASE_URL", "postgresql://app:$(DB_PASSWORD)@db:5432/app"),
                literal("PRICE", "$$(NOT_EXPANDED) $(UNDEFINED)")));

    ResolvedEnv env = resolver.component(appd, worker());

    assertThat(env.get("DATABASE_URL"))
        .contains(EnvValue.fromSecret("postgresql://app:S3cr3t!@db:5432/app"));
    assertThat(env.get("PRICE")).contains(EnvValue.literal("$(NOT_EXPANDED) $(UNDEFINED)"));
  }

  @Test
  void problemsNameFieldSecretAndKeyButNoValue() {
    secrets.remove("prosaas-redis");
    secrets.put("prosaas-db", secret("prosaas-db", "uri", DB_URL));
    appd.getSpec()
        .setEnvFrom(List.of(new EnvFromSourceBuilder().withNewSecretRef("gone", null).build()));
    worker()
        .setEnv(
            List.of(
                new EnvVarBuilder()
                    .withName("OPTIONAL_TOKEN")
                    .withNewValueFrom()
                    .withNewSecretKeyRef("token", "gone", true)
                    .endValueFrom()
                    .build(),
                new EnvVarBuilder()
                    .withName("REGION")
                    .withNewValueFrom()
                    .withNewConfigMapKeyRef("region", "absent", null)
                    .endValueFrom()
                    .build()));

    ResolvedEnv env = resolver.component(appd, worker());

    assertThat(env.isComplete()).isFalse();
    assertThat(env.problems())
        .containsExactly(
            "spec.envFrom[0].secretRef: Secret \"gone\" not found",
            "spec.env[0].valueFrom.secretKeyRef: Secret \"prosaas-db\" has no key \"url\""
                + " (variable DATABASE_URL)",
            "spec.env[1].valueFrom.secretKeyRef: Secret \"prosaas-redis\" not found"
                + " (variable REDIS_URL)",
            "spec.components[1].env[1].valueFrom.configMapKeyRef: ConfigMap \"absent\" not found"
                + " (variable REGION)");
    assertThat(String.join("\n", env.problems())).doesNotContain("S3cr3t!", "postgresql://");
    assertThat(env.values()).doesNotContainKeys("DATABASE_URL", "OPTIONAL_TOKEN");
  }

  @Test
  void toStringAndMaskerNeverShowSecretValues() {
    ResolvedEnv env = resolver.component(appd, worker());

    assertThat(env.toString()).contains("DATABASE_URL").doesNotContain("S3cr3t!");
    assertThat(env.get("DATABASE_URL").orElseThrow().toString()).doesNotContain("S3cr3t!");
    assertThat(env.masker().maskText("oops S3cr3t! leaked")).isEqualTo("oops *** leaked");
  }

  @Test
  void processEnvironmentOfTheSchemaGate() {
    ResolvedEnv env =
        ResolvedEnv.fromProcess(
            Map.of(
                "STRIPE",
                "sk_live_abc",
                "FLASK_ENV",
                "production",
                ResolvedEnv.SECRET_NAMES_VARIABLE,
                "STRIPE, DATABASE_URL"));

    assertThat(env.get("STRIPE")).contains(EnvValue.fromSecret("sk_live_abc"));
    assertThat(env.get("FLASK_ENV")).contains(EnvValue.literal("production"));
  }
}
