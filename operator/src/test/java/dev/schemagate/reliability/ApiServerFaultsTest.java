package dev.schemagate.reliability;

import static dev.schemagate.testing.ShopApp.APP;
import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.MigrationState;
import dev.schemagate.api.Phase;
import dev.schemagate.api.RevisionRecord;
import dev.schemagate.testkit.KubeletSimulator.Outcome;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.time.Duration;
import java.util.Random;
import java.util.function.Predicate;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

/**
 * The API server answers 409 Conflict to status and Deployment updates, 500 or nothing in time to a
 * share of requests, and closes watches. The operator retries and converges: an install and an
 * upgrade end Ready with exactly one Job per revision and nothing of the status lost (both
 * revisions in the history, each condition once).
 */
class ApiServerFaultsTest extends RigScenarios {

  private Predicate<RecordedRequest> fromTheOperator() {
    String agent = rig.agent();
    String namespace = "/namespaces/" + rig.world.namespace + "/";
    return r ->
        agent.equals(r.getHeader("User-Agent"))
            && r.getPath().contains(namespace)
            && !r.getPath().contains("watch=true");
  }

  @Test
  void conflictsOnStatusAndDeploymentUpdatesAreRetried() {
    Predicate<RecordedRequest> operator = fromTheOperator();
    api.fail(operator.and(FaultyApiServer.method("PUT", "/appdeployments/shop/status")), 409, 4);
    api.fail(operator.and(FaultyApiServer.method("PUT", "/deployments/shop-")), 409, 2);
    api.fail(operator.and(FaultyApiServer.method("POST", "/jobs")), 409, 1);

    installThenUpgrade();

    assertThat(api.injected()).isGreaterThanOrEqualTo(7);
  }

  @Test
  void errorsAndLateAnswersOnAShareOfRequestsAreRetried() {
    Random random = new Random(8);
    Predicate<RecordedRequest> operator = fromTheOperator();
    api.fail(operator.and(r -> random.nextInt(4) == 0), 500, 40);
    api.fail(operator.and(r -> random.nextInt(10) == 0), 503, 10);
    // Longer than the operator's request timeout: the client gives up and the reconcile fails.
    api.delay(
        operator.and(r -> r.getMethod().equals("GET") && random.nextInt(8) == 0),
        Duration.ofSeconds(4),
        1);

    installThenUpgrade();

    assertThat(api.injected()).isGreaterThanOrEqualTo(10);
  }

  @Test
  void closedWatchesAreOpenedAgainAndNoJobOutcomeIsMissed() {
    rig.world.kubelet.migrations(job -> Outcome.RUN_UNTIL_RELEASED);
    rig.world.apply(APP);
    rig.world.awaitStatus(
        "shop", a -> a.getStatus().getMigration().getState() == MigrationState.Running);

    assertThat(api.closeWatches()).as("watches closed").isPositive();
    rig.releaseHeldJobs();
    AppDeployment ready = Awaits.phase(rig.world, "shop", Phase.Ready);

    assertThat(api.closeWatches()).isPositive();
    Awaits.edit(rig.world, "shop", a -> a.getSpec().getComponents().get(0).setReplicas(3));
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> Awaits.replicas(rig.world, "shop-api") == 3);
    assertThat(rig.jobsCreated()).hasSize(1);
    assertThat(ready.getStatus().getHistory()).hasSize(1);
  }

  private void installThenUpgrade() {
    rig.world.apply(APP);
    AppDeployment v1 = Awaits.phase(rig.world, "shop", Phase.Ready);
    Awaits.edit(rig.world, "shop", a -> a.getSpec().setImage("shop:2"));
    AppDeployment v2 =
        rig.world.awaitStatus(
            "shop",
            a ->
                a.getStatus().getPhase() == Phase.Ready
                    && !a.getStatus().getRevision().equals(v1.getStatus().getRevision()));

    String r1 = v1.getStatus().getRevision();
    String r2 = v2.getStatus().getRevision();
    assertThat(rig.world.jobs())
        .extracting(j -> j.getMetadata().getName())
        .containsExactlyInAnyOrder("shop-migrate-" + r1, "shop-migrate-" + r2);
    assertThat(rig.jobsCreated()).hasSize(2);
    assertThat(v2.getStatus().getVerifiedRevision()).isEqualTo(r2);
    assertThat(v2.getStatus().getHistory())
        .extracting(RevisionRecord::getRevision, RevisionRecord::getOutcome)
        .containsExactly(Tuple.tuple(r2, "Succeeded"), Tuple.tuple(r1, "Succeeded"));
    assertThat(v2.getStatus().getConditions())
        .extracting(Condition::getType)
        .doesNotHaveDuplicates();
    assertThat(v2.getStatus().getObservedGeneration()).isEqualTo(v2.getMetadata().getGeneration());
    assertThat(rig.audit.violations()).isEmpty();
  }
}
