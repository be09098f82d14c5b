package dev.schemagate.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What status says when a component's pods do not become ready, in the kubelet's words. */
class PodProblemsTest {

  private static final Deployment HEALTHY =
      new DeploymentBuilder().withNewMetadata().withName("shop-web").endMetadata().build();

  private static Pod pod(ContainerStatusBuilder init, ContainerStatusBuilder app) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("shop-web-7f9c")
        .endMetadata()
        .withNewStatus()
        .withInitContainerStatuses(init.build())
        .withContainerStatuses(app.build())
        .endStatus()
        .build();
  }

  private static ContainerStatusBuilder gateOk() {
    return new ContainerStatusBuilder()
        .withName("schema-gate")
        .withReady(true)
        .withNewState()
        .withNewTerminated()
        .withExitCode(0)
        .endTerminated()
        .endState();
  }

  private static ContainerStatusBuilder app() {
    return new ContainerStatusBuilder().withName("app").withReady(false);
  }

  @Test
  void aRefusingGateIsNamedWithItsLastWords() {
    Pod refused =
        pod(
            new ContainerStatusBuilder()
                .withName("schema-gate")
                .withReady(false)
                .withNewState()
                .withNewWaiting()
                .withReason("CrashLoopBackOff")
                .endWaiting()
                .endState()
                .withNewLastState()
                .withNewTerminated()
                .withExitCode(1)
                .withMessage(
                    "====\n❌ CRITICAL: DB schema appears outdated!\n❌ Missing columns in"
                        + " calendar_routing_rules: [question_text]\n❌ DB schema outdated, run"
                        + " migrate\n====\n")
                .endTerminated()
                .endLastState(),
            app());
    assertThat(PodProblems.of(HEALTHY, List.of(refused)))
        .isEqualTo(
            "pod shop-web-7f9c: the schema gate refused to start it (exit 1): Missing columns in"
                + " calendar_routing_rules: [question_text]; DB schema outdated, run migrate");
  }

  @Test
  void aMissingImageIsNamed() {
    Pod pulling =
        pod(
            gateOk(),
            app()
                .withNewState()
                .withNewWaiting()
                .withReason("ImagePullBackOff")
                .withMessage("Back-off pulling image \"shop:nope\"")
                .endWaiting()
                .endState());
    assertThat(PodProblems.of(HEALTHY, List.of(pulling)))
        .isEqualTo(
            "pod shop-web-7f9c: container app ImagePullBackOff: Back-off pulling image"
                + " \"shop:nope\"");
  }

  @Test
  void podsRefusedAtCreationAreNamedFromTheDeployment() {
    Deployment refused =
        new DeploymentBuilder()
            .withNewMetadata()
            .withName("shop-web")
            .endMetadata()
            .withNewStatus()
            .addNewCondition()
            .withType("ReplicaFailure")
            .withStatus("True")
            .withReason("FailedCreate")
            .withMessage("pods \"shop-web-7f9c\" is forbidden: violates PodSecurity")
            .endCondition()
            .endStatus()
            .build();
    assertThat(PodProblems.of(refused, List.of()))
        .startsWith("pods cannot be created: pods \"shop-web-7f9c\" is forbidden");
  }

  @Test
  void aPodThatIsMerelyStartingIsNoProblem() {
    Pod starting = pod(gateOk(), app().withNewState().withNewRunning().endRunning().endState());
    assertThat(PodProblems.of(HEALTHY, List.of(starting))).isNull();
  }

  @Test
  void aContainerThatKeepsFailingIsNamedBetweenTwoBackOffsToo() {
    Pod restarting =
        pod(
            gateOk(),
            app()
                .withRestartCount(4)
                .withNewState()
                .withNewRunning()
                .endRunning()
                .endState()
                .withNewLastState()
                .withNewTerminated()
                .withExitCode(137)
                .withReason("OOMKilled")
                .endTerminated()
                .endLastState());

    assertThat(PodProblems.of(HEALTHY, List.of(restarting)))
        .isEqualTo(
            "pod shop-web-7f9c: container app keeps failing: restarted 4 times, last exit 137"
                + " (OOMKilled)");
  }

  @Test
  void aRunningContainerWhoseProbeDoesNotPassSaysSo() {
    Pod notReady =
        pod(
            gateOk(),
            app().withStarted(true).withNewState().withNewRunning().endRunning().endState());
    notReady.setSpec(
        new io.fabric8.kubernetes.api.model.PodSpecBuilder()
            .addNewContainer()
            .withName("app")
            .withNewReadinessProbe()
            .withNewHttpGet()
            .withPath("/healthz")
            .withNewPort(8080)
            .endHttpGet()
            .endReadinessProbe()
            .endContainer()
            .build());

    assertThat(PodProblems.of(HEALTHY, List.of(notReady)))
        .isEqualTo("pod shop-web-7f9c: container app is running, its readiness probe not passing");
  }

  @Test
  void aRunningContainerWithoutAProbeIsNoProblem() {
    Pod starting =
        pod(
            gateOk(),
            app().withStarted(true).withNewState().withNewRunning().endRunning().endState());
    assertThat(PodProblems.of(HEALTHY, List.of(starting))).isNull();
  }
}
