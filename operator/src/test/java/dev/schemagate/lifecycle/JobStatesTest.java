package dev.schemagate.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.workload.Labels;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a migration Job and its pods are read: Kubernetes' verdict first, then stuck pods. */
class JobStatesTest {

  private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");
  private static final Duration GRACE = Duration.ofMinutes(5);
  private static final String R1 = "aaaaaaaaaa";

  private static JobBuilder job() {
    return new JobBuilder()
        .withNewMetadata()
        .withName("shop-migrate-" + R1)
        .addToLabels(Labels.REVISION, R1)
        .addToAnnotations(Labels.RETRY, "2")
        .withCreationTimestamp(T0.toString())
        .endMetadata();
  }

  private static Job running() {
    return job().withNewStatus().withStartTime(T0.plusSeconds(1).toString()).endStatus().build();
  }

  private static Job withCondition(String type, String reason, String message, Instant at) {
    return job()
        .withNewStatus()
        .withStartTime(T0.plusSeconds(1).toString())
        .addNewCondition()
        .withType(type)
        .withStatus("True")
        .withReason(reason)
        .withMessage(message)
        .withLastTransitionTime(at.toString())
        .endCondition()
        .endStatus()
        .build();
  }

  private static Pod pod(String name, Instant created, String phase, String waitingReason) {
    PodBuilder pod =
        new PodBuilder()
            .withNewMetadata()
            .withName(name)
            .withCreationTimestamp(created.toString())
            .endMetadata()
            .withNewStatus()
            .withPhase(phase)
            .endStatus();
    if (waitingReason != null) {
      pod.editStatus()
          .addNewContainerStatus()
          .withName("migrate")
          .withNewState()
          .withNewWaiting()
          .withReason(waitingReason)
          .withMessage("Back-off pulling image \"registry.example.com/nope\"")
          .endWaiting()
          .endState()
          .endContainerStatus()
          .endStatus();
    }
    return pod.build();
  }

  @Test
  void aJobWithoutAVerdictRuns() {
    JobView view = JobStates.view(running(), List.of(pod("p1", T0, "Running", null)), T0, GRACE);
    assertThat(view.phase()).isEqualTo(JobView.Phase.Running);
    assertThat(view.revision()).isEqualTo(R1);
    assertThat(view.retryToken()).isEqualTo("2");
    assertThat(view.startedAt()).isEqualTo(T0.plusSeconds(1));
    assertThat(view.createdAt()).isEqualTo(T0);
    assertThat(view.finishedAt()).isNull();
    assertThat(view.recheckAt()).isNull();
  }

  @Test
  void aCompleteJobSucceededWhenItCompleted() {
    Job job = withCondition("Complete", null, null, T0.plusSeconds(40));
    job.getStatus().setCompletionTime(T0.plusSeconds(30).toString());
    JobView view = JobStates.view(job, List.of(), T0.plusSeconds(60), GRACE);
    assertThat(view.phase()).isEqualTo(JobView.Phase.Succeeded);
    assertThat(view.finishedAt()).isEqualTo(T0.plusSeconds(30));

    JobView withoutCompletionTime =
        JobStates.view(
            withCondition("Complete", null, null, T0.plusSeconds(40)),
            List.of(),
            T0.plusSeconds(60),
            GRACE);
    assertThat(withoutCompletionTime.finishedAt()).isEqualTo(T0.plusSeconds(40));
  }

  @Test
  void aFailedJobSaysWhyAndNamesItsNewestFailedPod() {
    Job job =
        withCondition(
            "Failed",
            "BackoffLimitExceeded",
            "Job has reached the specified backoff limit",
            T0.plusSeconds(50));
    JobView view =
        JobStates.view(
            job,
            List.of(
                pod("older", T0, "Failed", null),
                pod("newer", T0.plusSeconds(20), "Failed", null),
                pod("fine", T0.plusSeconds(30), "Running", null)),
            T0.plusSeconds(60),
            GRACE);
    assertThat(view.phase()).isEqualTo(JobView.Phase.Failed);
    assertThat(view.reason()).isEqualTo("BackoffLimitExceeded");
    assertThat(view.message()).isEqualTo("Job has reached the specified backoff limit");
    assertThat(view.failedPod()).isEqualTo("newer");
    assertThat(view.finishedAt()).isEqualTo(T0.plusSeconds(50));
  }

  @Test
  void aPodStuckWithinItsGraceIsRecheckedWhenTheGraceEnds() {
    JobView view =
        JobStates.view(
            running(),
            List.of(pod("p1", T0, "Pending", "ImagePullBackOff")),
            T0.plusSeconds(60),
            GRACE);
    assertThat(view.phase()).isEqualTo(JobView.Phase.Running);
    assertThat(view.recheckAt()).isEqualTo(T0.plus(GRACE));
  }

  @Test
  void aPodStuckPastItsGraceFailsTheJob() {
    Instant now = T0.plus(GRACE).plusSeconds(1);
    JobView view =
        JobStates.view(
            running(), List.of(pod("p1", T0, "Pending", "ImagePullBackOff")), now, GRACE);
    assertThat(view.phase()).isEqualTo(JobView.Phase.Failed);
    assertThat(view.reason()).isEqualTo("ImagePullBackOff");
    assertThat(view.message())
        .startsWith("pod p1 stuck in ImagePullBackOff for more than 5 min:")
        .contains("registry.example.com/nope");
    assertThat(view.finishedAt()).isEqualTo(now);
  }

  @Test
  void aWaitingReasonKubernetesGetsOverIsNotStuck() {
    JobView view =
        JobStates.view(
            running(),
            List.of(pod("p1", T0, "Pending", "ContainerCreating")),
            T0.plus(GRACE).plusSeconds(60),
            GRACE);
    assertThat(view.phase()).isEqualTo(JobView.Phase.Running);
    assertThat(view.recheckAt()).isNull();
  }

  @Test
  void kubernetesVerdictWinsOverAStuckPod() {
    Job job = withCondition("Failed", "DeadlineExceeded", "Job was active longer", T0);
    JobView view =
        JobStates.view(
            job,
            List.of(pod("p1", T0, "Pending", "ErrImagePull")),
            T0.plus(GRACE).plusSeconds(1),
            GRACE);
    assertThat(view.reason()).isEqualTo("DeadlineExceeded");
  }

  @Test
  void aDeletedJobsPodsAreGoneAndItReadsAsRunningUntilTheCacheDropsIt() {
    // A Job being deleted (background propagation): its pods are gone first; no verdict yet.
    Job deleting = running();
    deleting.getMetadata().setDeletionTimestamp(T0.plusSeconds(5).toString());
    JobView view = JobStates.view(deleting, List.of(), T0.plusSeconds(6), GRACE);
    assertThat(view.phase()).isEqualTo(JobView.Phase.Running);
    assertThat(view.failedPod()).isNull();
  }
}
