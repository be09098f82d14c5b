package dev.schemagate.node;

import static dev.schemagate.node.Shop.condition;
import static dev.schemagate.node.Shop.ready;
import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.testing.HealthJudges;
import dev.schemagate.testing.StatusHistory;
import dev.schemagate.workload.SchemaGateContainer;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * schemagate end to end on a real node: nothing simulated. The operator runs as a pod of the image
 * built from the Dockerfile, installed by the real helm under the chart's ServiceAccount, RBAC and
 * admission guard in a namespace enforcing the "restricted" Pod Security Standard; the migration
 * Job's pod runs the image's {@code schemagate migrate} against PostgreSQL on the host; the kubelet
 * runs the {@code schema-gate} init container and the application's readiness probe.
 *
 * <p>Timings are printed with the prefix {@value #TIMING} (docs/benchmarks.md).
 */
@RealNode
@org.junit.jupiter.api.Order(1)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RealNodeIT {

  static final String TIMING = "[node-timing]";

  static Node node;
  static KubernetesClient admin;

  // ------------------------------------------------------------------------------------------ a

  @Test
  @Order(1)
  void theChartRunsTheOperatorUnderRestrictedPodSecurityAndItBecomesReady() {
    List<Pod> pods = OperatorChart.pods(node);
    assertThat(pods).hasSize(1);
    Pod pod = pods.get(0);
    assertThat(pod.getSpec().getServiceAccountName()).isEqualTo("schemagate");
    assertThat(pod.getSpec().getContainers().get(0).getImage()).isEqualTo(node.schemagateImage());
    assertThat(ready(pod)).as("operator pod Ready: %s", pod.getStatus()).isTrue();
    assertThat(admin.namespaces().withName(OperatorChart.NAMESPACE).get().getMetadata().getLabels())
        .containsEntry(OperatorChart.RESTRICTED, "restricted");
    // /readyz of the pod itself, through the API server's pod proxy (kubectl fails unless 2xx).
    String readyz =
        node.kubectl(
                "get",
                "--raw",
                "/api/v1/namespaces/"
                    + OperatorChart.NAMESPACE
                    + "/pods/"
                    + pod.getMetadata().getName()
                    + ":8081/proxy/readyz")
            .ok();
    assertThat(readyz).isNotBlank();
    // It talks to the API server as the chart's ServiceAccount: it started its controller.
    assertThat(
            node.kubectl("-n", OperatorChart.NAMESPACE, "logs", pod.getMetadata().getName()).ok())
        .contains("schemagate operator started");
    // The chart's admission guard is in force.
    assertThat(node.kubectl("get", "validatingadmissionpolicybindings", "-o", "name").ok())
        .contains("schemagate");
  }

  // ------------------------------------------------------------------------------------------ b

  @Test
  @Order(2)
  void aFlywayAppMigratesPassesTheGateAndBecomesReadyByItsOwnProbe() throws Exception {
    Shop shop = Shop.create(node, "node-shop");
    try (StatusHistory history = StatusHistory.watch(admin, shop.namespace)) {
      Shop.Deployed app = shop.deploy();

      // The migration Job ran the image's real `schemagate migrate`.
      assertThat(shop.jobs()).hasSize(1);
      Job job = shop.jobs().get(0);
      assertThat(job.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
          .isEqualTo(node.schemagateImage());
      assertThat(job.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
          .contains("migrate");
      String migrateLog =
          node.kubectl("-n", shop.namespace, "logs", "job/" + job.getMetadata().getName()).ok();
      assertThat(migrateLog).containsIgnoringCase("117");
      // The component's pod passed the real gate, then its own readiness probe.
      Pod pod = app.firstReadyPod();
      ContainerStatus gate = pod.getStatus().getInitContainerStatuses().get(0);
      assertThat(gate.getName()).isEqualTo(SchemaGateContainer.NAME);
      assertThat(gate.getImage()).isEqualTo(node.schemagateImage());
      assertThat(gate.getState().getTerminated().getExitCode()).isZero();
      String gateLog =
          node.kubectl(
                  "-n",
                  shop.namespace,
                  "logs",
                  pod.getMetadata().getName(),
                  "-c",
                  "schema-gate",
                  "--timestamps")
              .ok();
      assertThat(gateLog).contains("Schema check passed");
      GateStartup.print(node, gateLog, gate);

      // Flux (kstatus) and Argo CD said done only once the AppDeployment was Ready.
      StatusHistory.assertBothSayDone(admin, shop.appd());
      Instant firstReady =
          history.seen().stream()
              .filter(
                  s ->
                      condition(s.appd(), "Ready")
                          .filter(c -> "True".equals(c.getStatus()))
                          .isPresent())
              .map(StatusHistory.Seen::at)
              .findFirst()
              .orElseThrow();
      // Every version before that: Argo CD never Healthy; kstatus never Current once the operator
      // wrote a status (before its first write kstatus says Current, a known difference,
      // docs/api.md "How GitOps tools read it").
      int judged = 0;
      for (StatusHistory.Seen version : history.seen()) {
        if (!version.at().isBefore(firstReady)) {
          continue;
        }
        judged++;
        assertThat(HealthJudges.argoCd(version.json()).status())
            .as("Argo CD health of %s", version.json())
            .isNotEqualTo("Healthy");
        if (version.appd().getStatus() != null) {
          assertThat(HealthJudges.kstatus(version.json()).status())
              .as("kstatus of %s", version.json())
              .isNotEqualTo("Current");
        }
      }
      assertThat(judged).as("versions judged before Ready").isGreaterThan(2);
    }
  }

  // ------------------------------------------------------------------------------------------ c

  @Test
  @Order(3)
  void aHalfBuiltSchemaIsRefusedByTheGateInTheKubeletsContainer() {
    Shop shop = Shop.create(node, "node-halfbuilt");
    shop.deploy();
    // Someone drops a column the spec requires, behind schemagate's back; the next pod's gate
    // must refuse to start the application.
    node.sql(
        shop.database.name(), "ALTER TABLE gmail_receipts DROP COLUMN gmail_message_id CASCADE");
    String old = shop.componentPods().get(0).getMetadata().getName();
    node.kubectl("-n", shop.namespace, "delete", "pod", old, "--wait=false").ok();

    // The kubelet runs the gate, it exits 1, the kubelet restarts it (CrashLoopBackOff). Its exit
    // code from the container status; its words from its log: the kubelet keeps the log of the
    // last dead instance only, so read it while the status names that instance.
    Pod[] refused = new Pod[1];
    String log =
        Awaitility.await()
            .atMost(Duration.ofMinutes(2))
            .pollInterval(Duration.ofMillis(200))
            .until(
                () -> {
                  refused[0] =
                      shop.awaitPod(
                          p -> !p.getMetadata().getName().equals(old) && gateExit(p) != null,
                          Duration.ofMinutes(2));
                  ContainerStatus gate = refused[0].getStatus().getInitContainerStatuses().get(0);
                  Node.Result logs =
                      gate.getState().getTerminated() != null
                          ? node.kubectl(
                              "-n",
                              shop.namespace,
                              "logs",
                              refused[0].getMetadata().getName(),
                              "-c",
                              "schema-gate")
                          : node.kubectl(
                              "-n",
                              shop.namespace,
                              "logs",
                              refused[0].getMetadata().getName(),
                              "-c",
                              "schema-gate",
                              "--previous");
                  return logs.exit() == 0 ? logs.stdout() : "";
                },
                l -> l.contains("❌ DB schema"));
    ContainerStatus gate = refused[0].getStatus().getInitContainerStatuses().get(0);
    assertThat(gate.getName()).isEqualTo(SchemaGateContainer.NAME);
    assertThat(gateExit(refused[0])).isEqualTo(1);
    assertThat(log)
        // The history is at the required version: a drift, which migrate would not repair.
        .contains("DB schema drifted")
        .doesNotContain("run migrate")
        .contains("gmail_receipts")
        .contains("gmail_message_id");
    var ended =
        gate.getState().getTerminated() != null
            ? gate.getState().getTerminated()
            : gate.getLastState().getTerminated();
    System.out.printf(
        "%s gate refusal as the kubelet reports it: exit %d, reason %s, message %s, restarts %d%n",
        TIMING, ended.getExitCode(), ended.getReason(), ended.getMessage(), gate.getRestartCount());
    assertThat(ready(refused[0])).isFalse();
    // The app never started in that pod, and the AppDeployment no longer says Ready, and why.
    assertThat(refused[0].getStatus().getContainerStatuses().get(0).getState().getRunning())
        .isNull();
    AppDeployment appd =
        shop.awaitAppd(
            a ->
                condition(a, "Ready")
                    .filter(c -> "False".equals(c.getStatus()))
                    .map(Condition::getMessage)
                    .filter(m -> m.contains("the schema gate refused"))
                    .isPresent(),
            Duration.ofMinutes(2));
    assertThat(condition(appd, "Ready").map(Condition::getMessage).orElse(""))
        .contains("gmail_message_id");
    System.out.printf(
        "%s half-built schema: AppDeployment Ready=False says \"%s\"%n",
        TIMING, condition(appd, "Ready").map(Condition::getMessage).orElse(""));
  }

  // ------------------------------------------------------------------------------------------ d

  @Test
  @Order(4)
  void anUpgradeToAnImageThatDoesNotExistLeavesTheOldVersionServing() {
    Shop shop = Shop.create(node, "node-badimage");
    try (StatusHistory history = StatusHistory.watch(admin, shop.namespace)) {
      shop.deploy();
      Pod old = shop.componentPods().get(0);
      String missing = node.busyboxImage().replaceFirst(":[^:]+$", ":does-not-exist");
      shop.patch("[{\"op\":\"replace\",\"path\":\"/spec/image\",\"value\":\"" + missing + "\"}]");

      Pod pulling =
          shop.awaitPod(
              p ->
                  p.getStatus().getContainerStatuses() != null
                      && p.getStatus().getContainerStatuses().stream()
                          .anyMatch(
                              s ->
                                  s.getState().getWaiting() != null
                                      && List.of("ErrImagePull", "ImagePullBackOff")
                                          .contains(s.getState().getWaiting().getReason())),
              Duration.ofMinutes(3));
      ContainerStatus app = pulling.getStatus().getContainerStatuses().get(0);
      assertThat(app.getImage()).isEqualTo(missing);
      assertThat(app.getState().getWaiting().getMessage()).contains("does-not-exist");
      shop.assertStillServing(old, Duration.ofSeconds(15));
      AppDeployment appd = shop.appd();
      assertThat(appd.getMetadata().getGeneration()).isEqualTo(2);
      assertThat(condition(appd, "Ready").map(Condition::getStatus)).contains("False");
      assertThat(condition(appd, "Ready").map(Condition::getMessage).orElse(""))
          .as("status says why, in the kubelet's words")
          .containsAnyOf("ErrImagePull", "ImagePullBackOff");
      System.out.printf(
          "%s missing image: AppDeployment Ready=False says \"%s\"%n",
          TIMING, condition(appd, "Ready").map(Condition::getMessage).orElse(""));
      assertThat(history.assertNeitherSaidDone(2, Instant.now()))
          .as("versions of generation 2 judged")
          .isPositive();
    }
  }

  // --------------------------------------------------------------------------------- restricted

  /**
   * In a namespace enforcing "restricted", the migration Job's pod (schemagate's image) is admitted
   * and migrates; a component without a securityContext is refused by Pod Security admission for
   * the application's container alone - the schema-gate beside it complies.
   */
  @Test
  @Order(5)
  void inARestrictedNamespaceOnlyTheApplicationsOwnContainerIsRefused() {
    Shop shop =
        Shop.create(node, "node-restricted", Map.of(OperatorChart.RESTRICTED, "restricted"));
    shop.apply();
    Job job = shop.awaitJob(Shop::succeeded);
    assertThat(job.getStatus().getSucceeded()).isEqualTo(1);
    List<String> refusals =
        Awaitility.await()
            .atMost(Duration.ofMinutes(1))
            .pollInterval(Duration.ofMillis(200))
            .until(
                () ->
                    admin.v1().events().inNamespace(shop.namespace).list().getItems().stream()
                        .filter(e -> "FailedCreate".equals(e.getReason()))
                        .map(io.fabric8.kubernetes.api.model.Event::getMessage)
                        .toList(),
                found -> !found.isEmpty());
    assertThat(refusals)
        .isNotEmpty()
        .allSatisfy(
            m ->
                assertThat(m)
                    .contains("violates PodSecurity \"restricted:latest\"")
                    .contains("container \"app\"")
                    .doesNotContain("schema-gate"));
    AppDeployment appd = shop.appd();
    assertThat(condition(appd, "Ready").map(Condition::getStatus)).contains("False");
    System.out.printf(
        "%s restricted namespace: AppDeployment Ready=False says \"%s\"%n",
        TIMING, condition(appd, "Ready").map(Condition::getMessage).orElse(""));
  }

  // ------------------------------------------------------------------------------------ helpers

  /** The exit code of the pod's schema-gate as the kubelet last saw it end, or null. */
  private static Integer gateExit(Pod pod) {
    List<ContainerStatus> init = pod.getStatus().getInitContainerStatuses();
    if (init == null || init.isEmpty()) {
      return null;
    }
    ContainerStatus gate = init.get(0);
    if (gate.getState() != null && gate.getState().getTerminated() != null) {
      return gate.getState().getTerminated().getExitCode();
    }
    if (gate.getLastState() != null && gate.getLastState().getTerminated() != null) {
      return gate.getLastState().getTerminated().getExitCode();
    }
    return null;
  }
}
