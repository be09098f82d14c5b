package dev.schemagate.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.schemagate.testkit.ControlPlane;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real controllers of kube-controller-manager work on the test control plane: Deployment ->
 * ReplicaSet -> Pods, Job -> Pod, and the garbage collector. (No scheduler, no kubelet: the Pods
 * stay Pending; see {@link KubeletSimulatorOnControlPlaneTest} for Pods that run.)
 */
@RealKubernetes(controllerManager = true)
class ControlPlaneSmokeTest {

  private static final String NAMESPACE = "smoke-test";
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  static ControlPlane plane;
  static KubernetesClient client;

  @BeforeAll
  static void namespace() {
    plane.createNamespace(NAMESPACE);
  }

  @Test
  void aDeploymentGetsItsPodsFromTheReplicaSetController() {
    client
        .resource(
            new DeploymentBuilder()
                .withNewMetadata()
                .withName("web")
                .withNamespace(NAMESPACE)
                .endMetadata()
                .withNewSpec()
                .withReplicas(2)
                .withNewSelector()
                .addToMatchLabels("app", "web")
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .addToLabels("app", "web")
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("web")
                .withImage("registry.example.com/web:1")
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build())
        .create();

    await()
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(() -> assertThat(pods("app", "web")).hasSize(2));
    String replicaSet =
        client
            .apps()
            .replicaSets()
            .inNamespace(NAMESPACE)
            .list()
            .getItems()
            .get(0)
            .getMetadata()
            .getName();
    assertThat(pods("app", "web"))
        .allSatisfy(
            pod -> {
              assertThat(pod.getMetadata().getOwnerReferences())
                  .singleElement()
                  .satisfies(
                      owner -> {
                        assertThat(owner.getKind()).isEqualTo("ReplicaSet");
                        assertThat(owner.getName()).isEqualTo(replicaSet);
                      });
              assertThat(pod.getSpec().getServiceAccountName()).isEqualTo("default");
              assertThat(pod.getStatus().getPhase()).isEqualTo("Pending");
            });
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(
                        client
                            .apps()
                            .deployments()
                            .inNamespace(NAMESPACE)
                            .withName("web")
                            .get()
                            .getStatus()
                            .getReplicas())
                    .isEqualTo(2));
  }

  @Test
  void aJobGetsAPodFromTheJobController() {
    client
        .resource(
            new JobBuilder()
                .withNewMetadata()
                .withName("once")
                .withNamespace(NAMESPACE)
                .endMetadata()
                .withNewSpec()
                .withBackoffLimit(0)
                .withNewTemplate()
                .withNewSpec()
                .withRestartPolicy("Never")
                .addNewContainer()
                .withName("once")
                .withImage("registry.example.com/once:1")
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build())
        .create();

    await()
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(() -> assertThat(pods("batch.kubernetes.io/job-name", "once")).hasSize(1));
    Pod pod = pods("batch.kubernetes.io/job-name", "once").get(0);
    assertThat(pod.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            owner -> assertThat(owner.getKind() + "/" + owner.getName()).isEqualTo("Job/once"));
    assertThat(pod.getMetadata().getFinalizers()).contains("batch.kubernetes.io/job-tracking");
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(
                        client
                            .batch()
                            .v1()
                            .jobs()
                            .inNamespace(NAMESPACE)
                            .withName("once")
                            .get()
                            .getStatus()
                            .getActive())
                    .isEqualTo(1));
  }

  @Test
  void deletingAnOwnerGarbageCollectsItsDependent() {
    ConfigMap owner =
        client
            .resource(
                new ConfigMapBuilder()
                    .withNewMetadata()
                    .withName("owner")
                    .withNamespace(NAMESPACE)
                    .endMetadata()
                    .build())
            .create();
    client
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("dependent")
                .withNamespace(NAMESPACE)
                .addNewOwnerReference()
                .withApiVersion("v1")
                .withKind("ConfigMap")
                .withName("owner")
                .withUid(owner.getMetadata().getUid())
                .endOwnerReference()
                .endMetadata()
                .build())
        .create();

    client
        .configMaps()
        .inNamespace(NAMESPACE)
        .withName("owner")
        .withPropagationPolicy(DeletionPropagation.BACKGROUND)
        .delete();

    await()
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> client.configMaps().inNamespace(NAMESPACE).withName("dependent").get() == null);
  }

  private static List<Pod> pods(String label, String value) {
    return client.pods().inNamespace(NAMESPACE).withLabel(label, value).list().getItems();
  }
}
