package dev.schemagate.node;

import static dev.schemagate.node.Shop.condition;
import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.testing.StatusHistory;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Upgrades on a real node, where the kubelet and not a simulator decides what new pods do: new pods
 * that crash-loop, new pods that never become ready, a migration that fails, and StopTheWorld. In
 * the failures the previous version keeps serving, the AppDeployment never says Ready for the new
 * generation, and neither Flux's kstatus nor Argo CD's health check ever says Current/Healthy for
 * it.
 */
@RealNode
@Order(3)
class RealNodeUpgradesIT {

  /** A new revision: the shared env is part of it. */
  private static final String NEW_REVISION =
      "{\"op\":\"add\",\"path\":\"/spec/env/-\",\"value\":{\"name\":\"SHOP_VERSION\",\"value\":\"2\"}}";

  /** How long the previous version is watched serving while the kubelet retries the new one. */
  private static final Duration KEPT_SERVING = Duration.ofSeconds(15);

  static Node node;
  static KubernetesClient admin;

  @Test
  void newPodsThatCrashLoopLeaveTheOldVersionServingAndNeverReady() {
    Shop shop = Shop.create(node, "node-crashloop");
    try (StatusHistory history = StatusHistory.watch(admin, shop.namespace)) {
      shop.deploy();
      Pod old = shop.componentPods().get(0);
      shop.patch(
          "["
              + NEW_REVISION
              + ",{\"op\":\"replace\",\"path\":\"/spec/components/0/command\","
              + "\"value\":[\"sh\",\"-c\",\"echo version 2 cannot start; exit 3\"]}]");

      Pod crashing =
          shop.awaitPod(
              p -> {
                ContainerStatus app = app(p);
                return app != null
                    && app.getState().getWaiting() != null
                    && "CrashLoopBackOff".equals(app.getState().getWaiting().getReason());
              },
              Duration.ofMinutes(3));
      assertThat(app(crashing).getLastState().getTerminated().getExitCode()).isEqualTo(3);
      assertThat(shop.jobs()).as("the new revision was migrated").hasSize(2);
      // The kubelet flips the container between waiting (CrashLoopBackOff), running and
      // terminated; the status names the crash loop while the kubelet waits to restart it, and
      // its restarts and last exit in between.
      AppDeployment saysWhy =
          shop.awaitAppd(
              a ->
                  condition(a, "Ready")
                      .map(Condition::getMessage)
                      .filter(m -> m.contains("CrashLoopBackOff") || m.contains("last exit 3"))
                      .isPresent(),
              Duration.ofMinutes(1));
      System.out.printf(
          "%s crash loop: AppDeployment Ready=False says \"%s\"%n",
          RealNodeIT.TIMING, condition(saysWhy, "Ready").map(Condition::getMessage).orElse(""));
      assertNewGenerationNeverDone(shop, old, history);
    }
  }

  @Test
  void newPodsThatNeverBecomeReadyLeaveTheOldVersionServingAndNeverReady() {
    Shop shop = Shop.create(node, "node-neverready");
    try (StatusHistory history = StatusHistory.watch(admin, shop.namespace)) {
      shop.deploy();
      Pod old = shop.componentPods().get(0);
      shop.patch(
          "["
              + NEW_REVISION
              + ",{\"op\":\"replace\",\"path\":\"/spec/components/0/readinessProbe/httpGet/path\","
              + "\"value\":\"/not-there\"}]");

      // Running, its probe answered 404 by httpd: running but never Ready.
      Pod unready =
          shop.awaitPod(
              p ->
                  !p.getMetadata().getName().equals(old.getMetadata().getName())
                      && app(p) != null
                      && app(p).getState().getRunning() != null,
              Duration.ofMinutes(3));
      assertThat(shop.jobs()).as("the new revision was migrated").hasSize(2);
      assertNewGenerationNeverDone(shop, old, history);
      assertThat(Shop.ready(shop.pod(unready.getMetadata().getName()))).isFalse();
    }
  }

  @Test
  void aFailingMigrationLeavesTheOldVersionServing() {
    Shop shop = Shop.create(node, "node-failedmigration");
    try (StatusHistory history = StatusHistory.watch(admin, shop.namespace)) {
      shop.deploy();
      Pod old = shop.componentPods().get(0);
      String oldImage = old.getSpec().getContainers().get(0).getImage();
      shop.migrations(
          "shop-migrations-broken",
          Map.of("V118__broken.sql", "ALTER TABLE no_such_table ADD COLUMN flag boolean;\n"));
      shop.patch(
          "[{\"op\":\"replace\",\"path\":\"/spec/migration/flyway/configMapRef/name\","
              + "\"value\":\"shop-migrations-broken\"}]");

      AppDeployment stalled =
          shop.awaitAppd(
              a -> condition(a, "Stalled").filter(c -> "True".equals(c.getStatus())).isPresent(),
              Duration.ofMinutes(3));
      Job failed = shop.jobs().stream().filter(j -> !Shop.succeeded(j)).findFirst().orElseThrow();
      assertThat(failed.getStatus().getFailed()).as("backoffLimit 1: two pods").isEqualTo(2);
      assertThat(stalled.getStatus().getMigration().getLogTail()).contains("no_such_table");
      System.out.printf(
          "%s failed migration: Stalled says \"%s\"%n",
          RealNodeIT.TIMING, condition(stalled, "Stalled").map(Condition::getMessage).orElse(""));
      shop.assertStillServing(old, KEPT_SERVING);
      assertThat(shop.componentPods())
          .as("the components were not touched")
          .singleElement()
          .satisfies(
              p -> assertThat(p.getMetadata().getName()).isEqualTo(old.getMetadata().getName()))
          .satisfies(
              p -> assertThat(p.getSpec().getContainers().get(0).getImage()).isEqualTo(oldImage));
      assertThat(history.assertNeitherSaidDone(2, Instant.now()))
          .as("versions of generation 2 judged")
          .isPositive();
    }
  }

  /**
   * StopTheWorld, as the kubelet's pods tell it: in the order a watch delivered the namespace's pod
   * events, every old component pod is gone before the migration's container runs, and no new
   * component pod exists before that container has finished.
   */
  @Test
  void stopTheWorldRunsTheMigrationWithNoApplicationPodRunning() throws Exception {
    Shop shop = Shop.create(node, "node-stoptheworld");
    shop.deploy();
    List<String> oldPods =
        shop.componentPods().stream().map(p -> p.getMetadata().getName()).toList();
    List<String> before =
        admin.pods().inNamespace(shop.namespace).list().getItems().stream()
            .map(p -> p.getMetadata().getName())
            .toList();
    // A migration that takes a few seconds, so that "while the Job runs" is a real interval.
    shop.migrations("shop-migrations-slow", Map.of("V118__slow.sql", "SELECT pg_sleep(4);\n"));
    try (PodEvents events = PodEvents.watch(admin, shop.namespace)) {
      shop.patch(
          "[{\"op\":\"replace\",\"path\":\"/spec/rollout/strategy\",\"value\":\"StopTheWorld\"},"
              + "{\"op\":\"replace\",\"path\":\"/spec/migration/flyway/configMapRef/name\","
              + "\"value\":\"shop-migrations-slow\"}]");
      shop.awaitAppd(
          a -> condition(a, "Ready").filter(c -> "True".equals(c.getStatus())).isPresent(),
          Shop.READY_TIMEOUT);

      String migration =
          events.seen().stream()
              .map(e -> e.pod().getMetadata().getName())
              .filter(n -> n.contains("-migrate-") && !before.contains(n))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no migration pod seen: " + shop.state()));
      int lastOldGone = events.last(e -> e.deleted() && oldPods.contains(e.name()));
      int migrationRuns = events.first(e -> e.name().equals(migration) && e.appRunningOrDone());
      int migrationDone = events.first(e -> e.name().equals(migration) && e.appTerminated());
      int firstNew = events.first(e -> e.component() && !oldPods.contains(e.name()));
      assertThat(lastOldGone).as("an old pod's deletion was seen").isNotNegative();
      assertThat(lastOldGone)
          .as(
              "every old pod gone (event %d) before the migration runs (event %d)",
              lastOldGone, migrationRuns)
          .isLessThan(migrationRuns);
      assertThat(migrationDone)
          .as(
              "the migration done (event %d) before any new pod (event %d)",
              migrationDone, firstNew)
          .isLessThan(firstNew);
      System.out.printf(
          "%s StopTheWorld: old pods gone -> migration container running %d ms -> done %d ms"
              + " -> first new pod created %d ms%n",
          RealNodeIT.TIMING,
          events.millisBetween(lastOldGone, migrationRuns),
          events.millisBetween(migrationRuns, migrationDone),
          events.millisBetween(migrationDone, firstNew));
    }
  }

  /**
   * The old pod keeps serving while the kubelet retries the new one; the AppDeployment says
   * Ready=False for generation 2; kstatus and Argo CD never said done for generation 2.
   */
  private static void assertNewGenerationNeverDone(Shop shop, Pod old, StatusHistory history) {
    shop.assertStillServing(old, KEPT_SERVING);
    AppDeployment appd = shop.appd();
    assertThat(appd.getMetadata().getGeneration()).isEqualTo(2);
    Condition ready = condition(appd, "Ready").orElseThrow();
    assertThat(ready.getStatus()).isEqualTo("False");
    System.out.printf(
        "%s %s: AppDeployment Ready=False says \"%s\"%n",
        RealNodeIT.TIMING, shop.namespace, ready.getMessage());
    assertThat(history.assertNeitherSaidDone(2, Instant.now()))
        .as("versions of generation 2 judged")
        .isPositive();
  }

  /** The application's container status, once the kubelet reports one. */
  private static ContainerStatus app(Pod pod) {
    List<ContainerStatus> statuses =
        pod.getStatus() == null ? null : pod.getStatus().getContainerStatuses();
    return statuses == null || statuses.isEmpty() ? null : statuses.get(0);
  }
}
