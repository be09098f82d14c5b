package dev.schemagate.reliability;

import static dev.schemagate.testing.ShopApp.APP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.Phase;
import dev.schemagate.lifecycle.AppDeploymentReconciler;
import dev.schemagate.lifecycle.Checks;
import dev.schemagate.lifecycle.DependencyChecks;
import dev.schemagate.lifecycle.LiveDependencyChecks;
import io.javaoperatorsdk.operator.processing.retry.GenericRetry;
import io.javaoperatorsdk.operator.processing.retry.GradualRetry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A dependency is down for longer than the retries it gets, then comes back, and nothing else
 * happens in the cluster. The operator must notice on its own: every wait is a scheduled reconcile,
 * never a wait for an unrelated event.
 */
class LongOutageTest extends RigScenarios {

  @Override
  Rig startRig(FaultyApiServer server) {
    return Rig.start(server, Rig.defaults(), false);
  }

  @Test
  void aDatabaseDownThroughSeveralRetriesIsVerifiedOnceItIsBack() {
    try (RestartablePostgres pg = RestartablePostgres.start()) {
      rig.databaseOn(pg, pg::down); // the database goes away right after the migration
      AtomicInteger checks = new AtomicInteger();
      DependencyChecks live = new LiveDependencyChecks();
      DependencyChecks counted =
          request -> {
            Checks result = live.run(request.basic());
            checks.incrementAndGet();
            return result;
          };
      rig.startOperator(counted);
      rig.world.apply(APP);

      // The check is counted before its status is written: wait for both, a retry and its status.
      AppDeployment waiting =
          await()
              .atMost(Duration.ofSeconds(30))
              .until(
                  () -> rig.world.get("shop"),
                  a ->
                      checks.get() >= 2
                          && "DatabaseUnreachable".equals(Awaits.reasonOf(a, "SchemaVerified")));
      assertThat(Awaits.statusOf(waiting, "Stalled")).isEqualTo("False");
      pg.up();

      Awaits.phase(rig.world, "shop", Phase.Ready);
      assertThat(rig.jobsCreated()).hasSize(1);
      assertThat(rig.audit.violations()).isEmpty();
    }
  }

  /** The very first reconcile fails (its Job cannot be created): the status still says why. */
  @Test
  void aFirstReconcileThatFailsLeavesReadyFalseWithTheReason() {
    String agent = rig.startOperator(new LiveDependencyChecks());
    api.fail(
        r ->
            agent.equals(r.getHeader("User-Agent"))
                && r.getMethod().equalsIgnoreCase("POST")
                && r.getPath().contains("/jobs"),
        500,
        Integer.MAX_VALUE);
    rig.world.apply(APP);

    AppDeployment failing =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> rig.world.get("shop"),
                a -> a.getStatus() != null && Awaits.statusOf(a, "Ready") != null);
    assertThat(Awaits.statusOf(failing, "Ready")).isEqualTo("False");
    assertThat(Awaits.reasonOf(failing, "Ready")).isEqualTo("ReconcileError");
    assertThat(Awaits.statusOf(failing, "Reconciling")).isEqualTo("True");
    api.clearFaults();
    Awaits.phase(rig.world, "shop", Phase.Ready);
  }

  /**
   * The API server refuses every write for longer than the retries of a failed reconcile last. The
   * retry schedule is sped up for the test; how many attempts there are is the operator's own.
   */
  @Test
  void anApiServerRefusingWritesForLongerThanTheRetriesIsCaughtUpWithOnItsOwn() {
    GradualRetry shipped = AppDeploymentReconciler.class.getAnnotation(GradualRetry.class);
    GenericRetry retry = GenericRetry.defaultLimitedExponentialRetry();
    if (shipped != null) {
      retry.initFrom(shipped);
    }
    retry.setInitialInterval(100).setIntervalMultiplier(1.5).setMaxInterval(400);
    String agent = rig.startOperator(retry);
    api.fail(
        r -> agent.equals(r.getHeader("User-Agent")) && !r.getMethod().equalsIgnoreCase("GET"),
        500,
        Integer.MAX_VALUE);
    rig.world.apply(APP);

    // Each write is tried four times by the client: 40 refusals are ten failed reconciles, twice
    // JOSDK's default budget of five.
    await().atMost(Duration.ofSeconds(60)).until(() -> api.injected() >= 40);
    assertThat(rig.world.jobs()).isEmpty();
    api.clearFaults();

    AppDeployment ready = Awaits.phase(rig.world, "shop", Phase.Ready);
    assertThat(ready.getStatus().getVerifiedRevision()).isEqualTo(ready.getStatus().getRevision());
    assertThat(rig.jobsCreated()).hasSize(1);
  }
}
