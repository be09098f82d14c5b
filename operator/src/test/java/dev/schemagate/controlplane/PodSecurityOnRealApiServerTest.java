package dev.schemagate.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.DiagnosticsSpec;
import dev.schemagate.helm.Chart;
import dev.schemagate.testing.ShopApp;
import dev.schemagate.workload.ComponentDeployments;
import dev.schemagate.workload.MigrationJobs;
import dev.schemagate.workload.Restricted;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvFromSourceBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The API server's own Pod Security admission, enforcing the "restricted" standard on a namespace,
 * admits the operator's pod as the chart renders it, the Flyway migration Job's pod and the
 * schema-gate init container - and refuses a pod that is not restricted (the control).
 */
@RealKubernetes
class PodSecurityOnRealApiServerTest {

  private static final String NAMESPACE = "restricted-pods";
  private static final String IMAGE = "ghcr.io/schemagate/schemagate:0.1.0";

  static KubernetesClient admin;

  @BeforeAll
  static void restrictedNamespace() {
    if (admin.namespaces().withName(NAMESPACE).get() == null) {
      admin
          .resource(
              new NamespaceBuilder()
                  .withNewMetadata()
                  .withName(NAMESPACE)
                  .addToLabels("pod-security.kubernetes.io/enforce", "restricted")
                  .addToLabels("pod-security.kubernetes.io/enforce-version", "v1.34")
                  .endMetadata()
                  .build())
          .create();
    }
    // The ServiceAccount admission wants the namespace's default account; without
    // kube-controller-manager on this plane nothing else creates it.
    if (admin.serviceAccounts().inNamespace(NAMESPACE).withName("default").get() == null) {
      admin
          .resource(
              new io.fabric8.kubernetes.api.model.ServiceAccountBuilder()
                  .withNewMetadata()
                  .withName("default")
                  .withNamespace(NAMESPACE)
                  .endMetadata()
                  .build())
          .createOr(existing -> existing.update());
    }
  }

  private static Pod create(String name, PodSpec spec) {
    return admin
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(NAMESPACE)
                .endMetadata()
                .withSpec(spec)
                .build())
        .create();
  }

  @Test
  void theOperatorPodFromTheChartIsAdmitted() {
    PodSpec spec = Chart.render(Map.of()).one(Deployment.class).getSpec().getTemplate().getSpec();
    spec.setServiceAccountName(null);
    assertThat(create("operator", spec).getMetadata().getUid()).isNotEmpty();
  }

  @Test
  void theFlywayMigrationPodIsAdmitted() {
    PodSpec spec =
        MigrationJobs.build(shop(), "shop-migrate", "abc", "", IMAGE)
            .getSpec()
            .getTemplate()
            .getSpec();
    assertThat(create("flyway", spec).getMetadata().getUid()).isNotEmpty();
  }

  /** With migrations from the application image: its copy containers meet restricted too. */
  @Test
  void theFlywayMigrationPodCopyingFromTheApplicationImageIsAdmitted() {
    AppDeployment app = shop();
    app.getSpec().getMigration().getFlyway().setLocations(java.util.List.of("/app/db/migrations"));
    PodSpec spec =
        MigrationJobs.build(app, "shop-migrate", "abd", "", IMAGE)
            .getSpec()
            .getTemplate()
            .getSpec();
    assertThat(spec.getInitContainers()).hasSize(1);
    assertThat(create("flyway-image", spec).getMetadata().getUid()).isNotEmpty();
  }

  @Test
  void theSchemaGateInitContainerIsAdmittedBesideARestrictedAppContainer() {
    AppDeployment app = shop();
    PodSpec spec =
        ComponentDeployments.build(app, app.getSpec().getComponents().get(0), "abc", 1, IMAGE)
            .getSpec()
            .getTemplate()
            .getSpec();
    // The application's container is the user's business: made restricted here, so that the
    // admission verdict is about what schemagate adds.
    Container app0 = spec.getContainers().get(0);
    app0.setSecurityContext(Restricted.containerSecurityContext());
    assertThat(spec.getInitContainers()).extracting(Container::getName).contains("schema-gate");
    assertThat(create("component", spec).getMetadata().getUid()).isNotEmpty();
  }

  /**
   * The gate gets the app's variables its banner shows as references to single keys of the app's
   * envFrom sources (with their prefix, and a listed copy of each Secret's key): the API server
   * validates every one of those entries.
   */
  @Test
  void theSchemaGateWithKeysOfEnvFromSourcesIsAdmitted() {
    AppDeployment app = shop();
    app.getSpec()
        .setEnvFrom(
            List.of(
                new EnvFromSourceBuilder().withNewConfigMapRef("shop-config", false).build(),
                new EnvFromSourceBuilder().withNewSecretRef("shop-secrets", true).build(),
                new EnvFromSourceBuilder()
                    .withPrefix("APP_")
                    .withNewConfigMapRef("overrides", true)
                    .build()));
    DiagnosticsSpec diagnostics = new DiagnosticsSpec();
    diagnostics.setEnv(List.of("FLASK_ENV", "APP_HOST", "JAVA_TOOL_OPTIONS", "SENTRY_DSN"));
    app.getSpec().setDiagnostics(diagnostics);
    PodSpec spec =
        ComponentDeployments.build(app, app.getSpec().getComponents().get(0), "abc", 1, IMAGE)
            .getSpec()
            .getTemplate()
            .getSpec();
    spec.getContainers().get(0).setSecurityContext(Restricted.containerSecurityContext());
    Container gate = spec.getInitContainers().get(0);
    assertThat(gate.getEnv())
        .extracting(EnvVar::getName)
        .contains("FLASK_ENV", "APP_HOST", "SCHEMAGATE_ENVFROM_1_SENTRY_DSN")
        .doesNotContain("JAVA_TOOL_OPTIONS");

    Pod created = create("component-envfrom", spec);

    assertThat(created.getSpec().getInitContainers().get(0).getEnv()).isEqualTo(gate.getEnv());
  }

  @Test
  void aPodThatIsNotRestrictedIsRefused() {
    PodSpec spec = new PodSpec();
    spec.setContainers(
        List.of(new ContainerBuilder().withName("app").withImage("busybox").build()));
    assertThatThrownBy(() -> create("unrestricted", spec))
        .isInstanceOfSatisfying(
            KubernetesClientException.class,
            e -> {
              assertThat(e.getCode()).isEqualTo(403);
              assertThat(e.getMessage()).contains("violates PodSecurity \"restricted:v1.34\"");
            });
  }

  private static AppDeployment shop() {
    AppDeployment app =
        admin
            .getKubernetesSerialization()
            .unmarshal(
                ShopApp.APP.replace(
                    "migration: {command: [migrate]}",
                    "migration: {flyway: {configMapRef: {name: shop-sql}}}"),
                AppDeployment.class);
    app.getMetadata().setNamespace(NAMESPACE);
    app.getMetadata().setUid("8a0c6f5e-0000-4000-8000-000000000001");
    return app;
  }
}
