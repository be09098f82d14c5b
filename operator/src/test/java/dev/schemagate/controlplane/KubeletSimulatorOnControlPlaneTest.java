package dev.schemagate.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.schemagate.testkit.ControlPlane;
import dev.schemagate.testkit.KubeletSimulator;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * With {@link KubeletSimulator} playing the kubelet, the real Job, ReplicaSet and Deployment
 * controllers compute their status from the Pods: Complete, Failed/BackoffLimitExceeded,
 * readyReplicas.
 */
@RealKubernetes(controllerManager = true)
class KubeletSimulatorOnControlPlaneTest {

  private static final String NAMESPACE = "kubelet-simulator-test";
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  static ControlPlane plane;
  static KubernetesClient client;

  @BeforeAll
  static void namespace() {
    plane.createNamespace(NAMESPACE);
  }

  @Test
  void aJobWhosePodSucceedsIsComplete() {
    try (KubeletSimulator simulator =
        KubeletSimulator.pods(client, NAMESPACE)
            .label("batch.kubernetes.io/job-name", "succeeds")
            .start(pod -> KubeletSimulator.PodOutcome.SUCCEEDED)) {
      client.resource(job("succeeds", 0)).create();

      await()
          .atMost(TIMEOUT)
          .pollInterval(Duration.ofMillis(200))
          .untilAsserted(
              () ->
                  assertThat(condition("succeeds", "Complete"))
                      .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("True")));
      Job job = client.batch().v1().jobs().inNamespace(NAMESPACE).withName("succeeds").get();
      assertThat(job.getStatus().getSucceeded()).isEqualTo(1);
      assertThat(job.getStatus().getCompletionTime()).isNotNull();
      assertThat(condition("succeeds", "SuccessCriteriaMet"))
          .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("True"));
      assertThat(simulator.steps())
          .extracting(KubeletSimulator.Step::phase)
          .containsExactly("Running", "Succeeded");
      assertThat(simulator.errors()).isEmpty();
      // The Job controller counted the Pod and removed its tracking finalizer.
      await()
          .atMost(TIMEOUT)
          .untilAsserted(
              () ->
                  assertThat(jobPods("succeeds"))
                      .singleElement()
                      .satisfies(
                          p ->
                              assertThat(p.getMetadata().getFinalizers())
                                  .doesNotContain("batch.kubernetes.io/job-tracking")));
    }
  }

  @Test
  void aJobWithBackoffLimitZeroWhosePodFailsIsFailedWithBackoffLimitExceeded() {
    try (KubeletSimulator simulator =
        KubeletSimulator.pods(client, NAMESPACE)
            .label("batch.kubernetes.io/job-name", "fails")
            .exitCode(3)
            .start(pod -> KubeletSimulator.PodOutcome.FAILED)) {
      client.resource(job("fails", 0)).create();

      await()
          .atMost(TIMEOUT)
          .pollInterval(Duration.ofMillis(200))
          .untilAsserted(
              () ->
                  assertThat(condition("fails", "Failed"))
                      .hasValueSatisfying(
                          c -> {
                            assertThat(c.getStatus()).isEqualTo("True");
                            assertThat(c.getReason()).isEqualTo("BackoffLimitExceeded");
                          }));
      Job job = client.batch().v1().jobs().inNamespace(NAMESPACE).withName("fails").get();
      assertThat(job.getStatus().getFailed()).isEqualTo(1);
      assertThat(condition("fails", "FailureTarget"))
          .hasValueSatisfying(c -> assertThat(c.getReason()).isEqualTo("BackoffLimitExceeded"));
      assertThat(jobPods("fails"))
          .singleElement()
          .satisfies(
              p -> {
                assertThat(p.getStatus().getPhase()).isEqualTo("Failed");
                assertThat(
                        p.getStatus()
                            .getContainerStatuses()
                            .get(0)
                            .getState()
                            .getTerminated()
                            .getExitCode())
                    .isEqualTo(3);
              });
      assertThat(simulator.errors()).isEmpty();
    }
  }

  @Test
  void aDeploymentBecomesReadyAndOneStuckOnImagePullDoesNot() {
    try (KubeletSimulator simulator =
        KubeletSimulator.pods(client, NAMESPACE)
            .label("simulated", "yes")
            .start(
                pod ->
                    pod.getMetadata().getLabels().get("app").equals("pulls")
                        ? KubeletSimulator.PodOutcome.STUCK_IMAGE_PULL
                        : KubeletSimulator.PodOutcome.RUNNING_READY)) {
      client.resource(deployment("ready", 3)).create();
      client.resource(deployment("pulls", 1)).create();

      await()
          .atMost(TIMEOUT)
          .pollInterval(Duration.ofMillis(200))
          .untilAsserted(
              () -> {
                Deployment ready =
                    client.apps().deployments().inNamespace(NAMESPACE).withName("ready").get();
                assertThat(ready.getStatus().getReadyReplicas()).isEqualTo(3);
                assertThat(ready.getStatus().getAvailableReplicas()).isEqualTo(3);
                assertThat(ready.getStatus().getConditions())
                    .anySatisfy(
                        c ->
                            assertThat(c.getType() + "=" + c.getStatus())
                                .isEqualTo("Available=True"));
              });
      List<Pod> stuck =
          client.pods().inNamespace(NAMESPACE).withLabel("app", "pulls").list().getItems();
      assertThat(stuck)
          .singleElement()
          .satisfies(
              p -> {
                assertThat(p.getStatus().getPhase()).isEqualTo("Pending");
                assertThat(
                        p.getStatus()
                            .getContainerStatuses()
                            .get(0)
                            .getState()
                            .getWaiting()
                            .getReason())
                    .isEqualTo("ImagePullBackOff");
              });
      Deployment pulls = client.apps().deployments().inNamespace(NAMESPACE).withName("pulls").get();
      assertThat(pulls.getStatus().getReadyReplicas()).isNull();
      assertThat(pulls.getStatus().getUnavailableReplicas()).isEqualTo(1);
      assertThat(simulator.errors()).isEmpty();
    }
  }

  private static Optional<JobCondition> condition(String job, String type) {
    Job current = client.batch().v1().jobs().inNamespace(NAMESPACE).withName(job).get();
    if (current == null
        || current.getStatus() == null
        || current.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return current.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst();
  }

  private static List<Pod> jobPods(String job) {
    return client
        .pods()
        .inNamespace(NAMESPACE)
        .withLabel("batch.kubernetes.io/job-name", job)
        .list()
        .getItems();
  }

  private static Job job(String name, int backoffLimit) {
    return new JobBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(NAMESPACE)
        .endMetadata()
        .withNewSpec()
        .withBackoffLimit(backoffLimit)
        .withNewTemplate()
        .withNewSpec()
        .withRestartPolicy("Never")
        .addNewContainer()
        .withName("migrate")
        .withImage("registry.example.com/" + name + ":1")
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  private static Deployment deployment(String name, int replicas) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(NAMESPACE)
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .withNewSelector()
        .addToMatchLabels("app", name)
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels("app", name)
        .addToLabels("simulated", "yes")
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName(name)
        .withImage("registry.example.com/" + name + ":1")
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }
}
