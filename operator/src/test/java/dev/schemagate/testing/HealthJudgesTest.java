package dev.schemagate.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.schemagate.api.Crd;
import dev.schemagate.testing.HealthCheckCases.Case;
import dev.schemagate.testing.HealthJudges.Verdict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The health judges against the AppDeployment health check's testdata: Argo CD's verdicts must be
 * the ones health_test.yaml expects, kstatus' verdicts the ones its documented rules give (see
 * {@link #KSTATUS}), and a plain Deployment shows that the judge is the real kstatus library.
 */
class HealthJudgesTest {

  private static final Path CHECK = HealthCheckCases.CHECK;

  static List<Case> cases() {
    return HealthCheckCases.all();
  }

  static Stream<Case> everyCase() {
    return cases().stream();
  }

  // ------------------------------------------------------------------------------------ Argo CD

  /** As Argo CD's own TestLuaHealthScript runs health_test.yaml: every standard library open. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("everyCase")
  void argoCdSaysWhatHealthTestYamlExpects(Case test) {
    Verdict verdict = HealthJudges.argoCdWithOpenLibs(test.object());

    assertThat(verdict).isEqualTo(new Verdict(test.status(), test.message()));
  }

  /**
   * As a cluster runs the check once examples/argocd/argocd-cm.yaml is applied: Argo CD opens the
   * Lua standard libraries (string, math, ...) for an argocd-cm customization only with {@code
   * resource.customizations.useOpenLibs.schemagate.dev_AppDeployment: "true"}; without it a script
   * that calls string.format fails, and Argo CD shows Unknown with the Lua error.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("everyCase")
  void argoCdSaysWhatHealthTestYamlExpectsWithTheArgocdCmOfTheExamples(Case test) {
    Verdict verdict = HealthJudges.argoCd(test.object());

    assertThat(verdict)
        .as(
            "Argo CD with %s (useOpenLibs %s)",
            Crd.repoRoot().relativize(HealthJudges.ARGOCD_CM), HealthJudges.argocdCmOpensLibs())
        .isEqualTo(new Verdict(test.status(), test.message()));
  }

  // ------------------------------------------------------------------------------------ kstatus

  /** What kstatus says about a testdata file, and the rule of its that says it. */
  record Expected(String status, String message, String rule) {}

  private static final String MIGRATION_FAILED =
      "migration of revision 7c1d0e9a44 failed: Job prosaas-migrate-7c1d0e9a44 failed:"
          + " BackoffLimitExceeded: Job has reached the specified backoff limit";

  /**
   * kstatus' verdicts, derived from its rules for a custom resource (cli-utils pkg/kstatus/status,
   * Compute): in this order, (1) metadata.deletionTimestamp set: Terminating; (2)
   * status.observedGeneration present and != metadata.generation: InProgress "KIND generation is G,
   * but latest observed generation is O"; (3) the first condition that is Reconciling=True
   * (InProgress, its message) or Stalled=True (Failed, its message); (4) a Ready condition: True is
   * Current "Resource is Ready", False or Unknown InProgress with its message; (5) else Current
   * "Resource is current" - including an object without any status.
   */
  static final Map<String, Expected> KSTATUS =
      Map.ofEntries(
          Map.entry(
              "testdata/healthy_ready.yaml",
              new Expected("Current", "Resource is Ready", "(4) Ready=True")),
          Map.entry(
              "testdata/progressing_no_status.yaml",
              new Expected("Current", "Resource is current", "(5) nothing to go by")),
          Map.entry(
              "testdata/progressing_observed_generation_lags.yaml",
              new Expected(
                  "InProgress",
                  "AppDeployment generation is 3, but latest observed generation is 2",
                  "(2) generation 3 not observed; Ready=True of generation 2 is not looked at")),
          Map.entry(
              "testdata/progressing_stalled_of_older_generation.yaml",
              new Expected(
                  "InProgress",
                  "AppDeployment generation is 5, but latest observed generation is 4",
                  "(2) generation 5 not observed; Stalled=True of generation 4 is not looked at")),
          Map.entry(
              "testdata/progressing_migrating.yaml",
              new Expected(
                  "InProgress", "Job prosaas-migrate-7c1d0e9a44 is running", "(3) Reconciling")),
          Map.entry(
              "testdata/progressing_verifying_database_unreachable.yaml",
              new Expected(
                  "InProgress",
                  "Database did not answer: connect timed out after 10s",
                  "(3) Reconciling")),
          Map.entry(
              "testdata/progressing_rolling_out.yaml",
              new Expected(
                  "InProgress", "waiting for every component's ready replicas", "(3) Reconciling")),
          Map.entry(
              "testdata/degraded_migration_failed.yaml",
              new Expected("Failed", MIGRATION_FAILED, "(3) Stalled")),
          Map.entry(
              "testdata/degraded_schema_outdated.yaml",
              new Expected(
                  "Failed",
                  "Missing columns in calendar_routing_rules: [question_text]",
                  "(3) Stalled")),
          Map.entry(
              "testdata/degraded_invalid_config.yaml",
              new Expected(
                  "Failed",
                  "spec.database.urlSecretRef: Secret \"prosaas-db\" not found",
                  "(3) Stalled")),
          Map.entry(
              "testdata/progressing_upgrade_previous_revision_serving.yaml",
              new Expected(
                  "InProgress",
                  "rolling out revision 9e2b7d1c30: api: Updated: 1/2",
                  "(3) Reconciling; Available=True is not looked at")),
          Map.entry(
              "testdata/degraded_progress_deadline_exceeded.yaml",
              new Expected(
                  "Failed",
                  "revision 9e2b7d1c30 did not roll out: Deployment prosaas-api exceeded its"
                      + " progress deadline: ReplicaSet \"prosaas-api-5d9f\" has timed out"
                      + " progressing.",
                  "(3) Stalled")),
          Map.entry(
              "testdata/suspended.yaml",
              new Expected(
                  "InProgress",
                  "spec.suspend is true: nothing is changed",
                  "(4) Ready=False; kstatus has no Suspended")),
          Map.entry(
              "testdata/suspended_rollout_held.yaml",
              new Expected(
                  "InProgress",
                  "revision 9e2b7d1c30 is migrated and verified; its rollout is held"
                      + " (spec.rollout.hold): set it to false to roll it out",
                  "(4) Ready=False: the revision does not run; kstatus has no Suspended")));

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyCase")
  void kstatusSaysWhatItsRulesGive(Case test) {
    Expected expected = KSTATUS.get(test.inputPath());
    assertThat(expected).as("an expected kstatus verdict for " + test.inputPath()).isNotNull();

    Verdict verdict = HealthJudges.kstatus(test.object());

    assertThat(verdict)
        .as("kstatus of %s by rule %s", test.inputPath(), expected.rule())
        .isEqualTo(new Verdict(expected.status(), expected.message()));
  }

  @Test
  void everyTestdataFileHasAnExpectedKstatusVerdict() throws IOException {
    Set<String> files = new TreeSet<>();
    try (Stream<Path> testdata = Files.list(CHECK.resolve("testdata"))) {
      testdata.forEach(f -> files.add("testdata/" + f.getFileName()));
    }

    assertThat(new TreeSet<>(KSTATUS.keySet())).isEqualTo(files);
  }

  /**
   * Where Flux and Argo CD part: kstatus calls an AppDeployment without status Current (Argo CD:
   * Progressing) and a suspended one InProgress (Argo CD: Suspended). Everywhere else Current is
   * Healthy, Failed is Degraded and InProgress is Progressing.
   */
  @Test
  void fluxAndArgoCdDisagreeOnlyOnNoStatusSuspendedAndHeld() {
    Map<String, String> argoFor =
        Map.of("Current", "Healthy", "Failed", "Degraded", "InProgress", "Progressing");
    Set<String> disagreements = new TreeSet<>();
    for (Case test : cases()) {
      Verdict flux = HealthJudges.kstatus(test.object());
      Verdict argo = HealthJudges.argoCdWithOpenLibs(test.object());
      if (!argo.status().equals(argoFor.get(flux.status()))) {
        disagreements.add(test.inputPath() + ": " + flux.status() + " / " + argo.status());
      }
    }

    assertThat(disagreements)
        .containsExactly(
            "testdata/progressing_no_status.yaml: Current / Progressing",
            "testdata/suspended.yaml: InProgress / Suspended",
            "testdata/suspended_rollout_held.yaml: InProgress / Suspended");
  }

  // ------------------------------------------------------------- kstatus on a built-in kind

  private static final String DEPLOYMENT =
      """
      {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "prosaas-api", "namespace": "prosaas", "generation": %d},
        "spec": {
          "replicas": 3,
          "progressDeadlineSeconds": 600,
          "selector": {"matchLabels": {"app": "prosaas-api"}},
          "template": {
            "metadata": {"labels": {"app": "prosaas-api"}},
            "spec": {"containers": [{"name": "api", "image": "registry.example.com/prosaas:2"}]}
          }
        },
        "status": {
          "observedGeneration": %d,
          "replicas": 3,
          "updatedReplicas": %d,
          "readyReplicas": 3,
          "availableReplicas": 3,
          "conditions": [
            {"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable"},
            {"type": "Progressing", "status": "True", "reason": "%s"}
          ]
        }
      }
      """;

  @Test
  void kstatusSaysADeploymentMidRolloutIsInProgress() {
    Verdict verdict = HealthJudges.kstatus(DEPLOYMENT.formatted(2, 2, 1, "ReplicaSetUpdated"));

    assertThat(verdict).isEqualTo(new Verdict("InProgress", "Updated: 1/3"));
  }

  @Test
  void kstatusSaysADeploymentWithAnUnobservedGenerationIsInProgress() {
    Verdict verdict = HealthJudges.kstatus(DEPLOYMENT.formatted(3, 2, 3, "NewReplicaSetAvailable"));

    assertThat(verdict)
        .isEqualTo(
            new Verdict(
                "InProgress", "Deployment generation is 3, but latest observed generation is 2"));
  }

  @Test
  void kstatusSaysACompleteDeploymentIsCurrent() {
    Verdict verdict = HealthJudges.kstatus(DEPLOYMENT.formatted(2, 2, 3, "NewReplicaSetAvailable"));

    assertThat(verdict).isEqualTo(new Verdict("Current", "Deployment is available. Replicas: 3"));
  }

  @Test
  void kstatusOfAFabric8ObjectSerializesIt() {
    var deployment =
        new io.fabric8.kubernetes.api.model.apps.DeploymentBuilder()
            .withNewMetadata()
            .withName("prosaas-api")
            .withGeneration(2L)
            .endMetadata()
            .withNewSpec()
            .withReplicas(2)
            .endSpec()
            .withNewStatus()
            .withObservedGeneration(2L)
            .withReplicas(2)
            .withUpdatedReplicas(2)
            .withReadyReplicas(1)
            .withAvailableReplicas(2)
            .endStatus()
            .build();

    assertThat(HealthJudges.kstatus(deployment)).isEqualTo(new Verdict("InProgress", "Ready: 1/2"));
  }

  @Test
  void aJudgeThatCannotJudgeFailsTheTestWithItsStderr() {
    assertThatThrownBy(() -> HealthJudges.kstatus("[1, 2]"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("exit code 1")
        .hasMessageContaining("not a JSON object");
  }
}
