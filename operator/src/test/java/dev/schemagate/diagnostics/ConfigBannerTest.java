package dev.schemagate.diagnostics;

import static dev.schemagate.env.Fixtures.DB_URL;
import static dev.schemagate.env.Fixtures.literal;
import static dev.schemagate.env.Fixtures.prosaas;
import static dev.schemagate.env.Fixtures.prosaasSecrets;
import static dev.schemagate.env.Fixtures.secret;
import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.ComponentSpec;
import dev.schemagate.api.DiagnosticsSpec;
import dev.schemagate.env.EnvResolver;
import dev.schemagate.env.ResolvedEnv;
import io.fabric8.kubernetes.api.model.EnvFromSourceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigBannerTest {

  private final AppDeployment appd = prosaas();
  private final Map<String, Secret> secrets = new HashMap<>(prosaasSecrets());
  private final EnvResolver resolver = new EnvResolver(secrets::get, name -> null);

  private ComponentSpec worker() {
    return appd.getSpec().getComponents().get(1);
  }

  @Test
  void bootDiagnosticsAsUsersKnowThem() {
    ResolvedEnv env =
        ResolvedEnv.fromProcess(
            Map.of(
                "DATABASE_URL",
                DB_URL,
                "REDIS_URL",
                "redis://redis:6379/0",
                "SERVICE_ROLE",
                "worker",
                "FLASK_ENV",
                "production",
                ResolvedEnv.SECRET_NAMES_VARIABLE,
                "DATABASE_URL,REDIS_URL"));

    String banner = ConfigBanner.atBoot("worker", List.of("FLASK_ENV"), env).render();

    assertThat(banner)
        .isEqualTo(
            """
            ================================================================================
            🔧 WORKER BOOT DIAGNOSTICS
            ================================================================================
            📍 DATABASE_URL: postgresql://postgres:***@aws-1-ap-northeast-1.pooler.supabase.com:6543/postgres
            📍 REDIS_URL: redis://redis:6379/0
            📍 SERVICE_ROLE: worker
            📍 FLASK_ENV: production""");
  }

  @Test
  void rolloutDiagnosticsNameAppDeploymentRevisionAndImage() {
    DiagnosticsSpec diagnostics = new DiagnosticsSpec();
    diagnostics.setEnv(List.of("DATABASE_URL", "FLASK_ENV", "SENTRY_DSN"));
    appd.getSpec().setDiagnostics(diagnostics);

    String banner =
        ConfigBanner.atRollout(appd, worker(), "3f9a1c2e0b", resolver.component(appd, worker()))
            .renderClosed();

    assertThat(banner)
        .isEqualTo(
            """
            ================================================================================
            🔧 WORKER ROLLOUT DIAGNOSTICS
            ================================================================================
            📍 appdeployment: prod/prosaas
            📍 component: worker
            📍 revision: 3f9a1c2e0b
            📍 image: registry.example.com/prosaas:2026.11.3
            📍 DATABASE_URL: postgresql://postgres:***@aws-1-ap-northeast-1.pooler.supabase.com:6543/postgres
            📍 REDIS_URL: redis://redis:6379/0
            📍 SERVICE_ROLE: worker
            📍 FLASK_ENV: production
            📍 SENTRY_DSN: (not set)
            ================================================================================""");
  }

  @Test
  void componentImageAndRoleOverride() {
    ComponentSpec api = appd.getSpec().getComponents().get(0);
    api.setImage("registry.example.com/prosaas-api:1");
    api.setRole("http");

    String banner = ConfigBanner.atRollout(appd, api, "r1", resolver.component(appd, api)).render();

    assertThat(banner)
        .contains("🔧 HTTP ROLLOUT DIAGNOSTICS")
        .contains("📍 component: api")
        .contains("📍 image: registry.example.com/prosaas-api:1")
        .contains("📍 SERVICE_ROLE: http");
  }

  @Test
  void secretValuesNeverShowWhateverTheirName() {
    secrets.put("extra", secret("extra", "STRIPE", "sk_live_abcdef", "DB_PASSWORD", "S3cr3t!"));
    appd.getSpec()
        .setEnvFrom(List.of(new EnvFromSourceBuilder().withNewSecretRef("extra", null).build()));
    worker().setEnv(List.of(literal("GREETING", "hello $(DB_PASSWORD)")));
    DiagnosticsSpec diagnostics = new DiagnosticsSpec();
    diagnostics.setEnv(List.of("STRIPE", "DB_PASSWORD", "GREETING"));
    appd.getSpec().setDiagnostics(diagnostics);

    String banner =
        ConfigBanner.atRollout(appd, worker(), "r1", resolver.component(appd, worker())).render();

    assertThat(banner)
        .contains("📍 STRIPE: ***", "📍 DB_PASSWORD: ***", "📍 GREETING: ***")
        .doesNotContain("sk_live_abcdef", "S3cr3t!");
  }

  @Test
  void namesAreDeduplicatedInOrder() {
    assertThat(ConfigBanner.names(List.of("FLASK_ENV", "DATABASE_URL", "FLASK_ENV")))
        .containsExactly("DATABASE_URL", "REDIS_URL", "SERVICE_ROLE", "FLASK_ENV");
    assertThat(ConfigBanner.names(null))
        .containsExactly("DATABASE_URL", "REDIS_URL", "SERVICE_ROLE");
  }
}
