package dev.schemagate.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.InvalidAppDeployments;
import dev.schemagate.helm.Chart;
import dev.schemagate.runtime.OperatorSettings;
import dev.schemagate.testkit.ControlPlane;
import dev.schemagate.workload.ComponentDeployments;
import dev.schemagate.workload.MigrationJobs;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The chart's admission guard, enforced by the real API server: the operator's ServiceAccount may
 * create the Jobs and Deployments schemagate makes and nothing a stolen token would want - a Job in
 * kube-system, a Job with a ServiceAccount token, a privileged pod - although its RBAC allows
 * creating Jobs and Deployments there. Everyone else is not affected.
 */
@RealKubernetes
class AdmissionGuardOnRealApiServerTest {

  private static final String APP_NAMESPACE = "guard-app";

  static ControlPlane plane;
  static KubernetesClient admin;
  private static KubernetesClient operator;

  @BeforeAll
  static void installTheChartsRbacAndGuard() {
    plane.createNamespace(Chart.NAMESPACE);
    plane.createNamespace(APP_NAMESPACE);
    for (HasMetadata object : Chart.render(Map.of()).objects()) {
      String kind = object.getKind();
      if (kind.startsWith("ClusterRole") || kind.startsWith("ValidatingAdmissionPolicy")) {
        admin.resource(object).createOr(existing -> existing.update());
      }
    }
    operator =
        plane.newImpersonatingClient(
            "system:serviceaccount:" + Chart.NAMESPACE + ":" + Chart.RELEASE,
            "system:serviceaccounts",
            "system:serviceaccounts:" + Chart.NAMESPACE,
            "system:authenticated");
    // The policy is compiled and loaded shortly after it is created: wait until it denies.
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> refusal(() -> dryRunCreate(operator, migrationJob("kube-system"))) != null);
  }

  @AfterAll
  static void close() {
    if (operator != null) {
      operator.close();
    }
  }

  private static AppDeployment owner(String namespace) {
    AppDeployment appd =
        admin
            .getKubernetesSerialization()
            .unmarshal(InvalidAppDeployments.VALID, AppDeployment.class);
    appd.getMetadata().setNamespace(namespace);
    appd.getMetadata().setUid("7a1c2b3d-0000-4000-8000-000000000001");
    return appd;
  }

  private static Job migrationJob(String namespace) {
    return MigrationJobs.build(
        owner(namespace),
        "shop-migrate-aaaaaaaaaa",
        "aaaaaaaaaa",
        "",
        OperatorSettings.DEFAULT_IMAGE);
  }

  private static Deployment component(String namespace) {
    AppDeployment appd = owner(namespace);
    return ComponentDeployments.build(
        appd,
        appd.getSpec().getComponents().get(0),
        "aaaaaaaaaa",
        1,
        OperatorSettings.DEFAULT_IMAGE);
  }

  /** A component Deployment whose container is privileged: what schemagate never makes. */
  private static Deployment privileged() {
    Deployment deployment = component(APP_NAMESPACE);
    deployment
        .getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0)
        .setSecurityContext(new SecurityContextBuilder().withPrivileged(true).build());
    return deployment;
  }

  private static HasMetadata dryRunCreate(KubernetesClient client, HasMetadata object) {
    return client.resource(object).dryRun().create();
  }

  /** The API server's refusal message, or null when the create went through. */
  private static String refusal(Runnable create) {
    try {
      create.run();
      return null;
    } catch (KubernetesClientException e) {
      return e.getCode() + " " + e.getMessage();
    }
  }

  private static String refusal(java.util.function.Supplier<?> create) {
    return refusal((Runnable) create::get);
  }

  @Test
  void whatSchemagateMakesIsAdmitted() {
    assertThat(refusal(() -> dryRunCreate(operator, migrationJob(APP_NAMESPACE)))).isNull();
    assertThat(refusal(() -> dryRunCreate(operator, component(APP_NAMESPACE)))).isNull();
  }

  @Test
  void aStolenTokenCannotRunWorkloadsInSystemNamespaces() {
    assertThat(refusal(() -> dryRunCreate(operator, migrationJob("kube-system"))))
        .contains("does not create workloads in system namespaces");
    assertThat(refusal(() -> dryRunCreate(operator, component(Chart.NAMESPACE))))
        .contains("does not create workloads in system namespaces or in its own");
  }

  @Test
  void aStolenTokenCannotGiveAJobAServiceAccountToken() {
    Job job = migrationJob(APP_NAMESPACE);
    job.getSpec().getTemplate().getSpec().setServiceAccountName("deployer");
    job.getSpec().getTemplate().getSpec().setAutomountServiceAccountToken(true);
    assertThat(refusal(() -> dryRunCreate(operator, job)))
        .contains("migration Jobs run without a ServiceAccount token");
  }

  @Test
  void aStolenTokenCannotRunAPrivilegedPodOrMountTheHost() {
    Deployment privileged = privileged();
    assertThat(refusal(() -> dryRunCreate(operator, privileged))).contains("are not privileged");

    Deployment hostPath = component(APP_NAMESPACE);
    hostPath
        .getSpec()
        .getTemplate()
        .getSpec()
        .getVolumes()
        .add(
            new io.fabric8.kubernetes.api.model.VolumeBuilder()
                .withName("root")
                .withNewHostPath()
                .withPath("/")
                .endHostPath()
                .build());
    assertThat(refusal(() -> dryRunCreate(operator, hostPath))).contains("mount the host's files");

    Deployment unowned = component(APP_NAMESPACE);
    unowned.getMetadata().setOwnerReferences(java.util.List.of());
    assertThat(refusal(() -> dryRunCreate(operator, unowned)))
        .contains("owned by an AppDeployment");
  }

  @Test
  void othersAreNotAffected() {
    Deployment privileged = privileged();
    assertThat(refusal(() -> dryRunCreate(admin, privileged))).isNull();
    assertThatThrownBy(() -> dryRunCreate(operator, privileged))
        .isInstanceOf(KubernetesClientException.class);
  }
}
