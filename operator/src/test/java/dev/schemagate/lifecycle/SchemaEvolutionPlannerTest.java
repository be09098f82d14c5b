package dev.schemagate.lifecycle;

import static dev.schemagate.lifecycle.LifecyclePlannerTest.PASS;
import static dev.schemagate.lifecycle.LifecyclePlannerTest.R1;
import static dev.schemagate.lifecycle.LifecyclePlannerTest.R2;
import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.api.ComponentSpec;
import dev.schemagate.api.Phase;
import dev.schemagate.api.RolloutSpec;
import dev.schemagate.lifecycle.Action.CreateJob;
import dev.schemagate.lifecycle.Action.EnsureDeployment;
import dev.schemagate.lifecycle.DeploymentRollout.State;
import dev.schemagate.lifecycle.LifecyclePlannerTest.World;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The schema-evolution rows of {@link LifecyclePlanner}'s decision table: ordered rollout, migrate
 * ahead (hold), drift, rollback and the serving revision's compatibility.
 */
class SchemaEvolutionPlannerTest {

  private final LifecyclePlanner planner = new LifecyclePlanner(3);

  private Plan plan(World world) {
    Plan first = planner.plan(world.observed(), Checks.NOT_RUN);
    return first.needsChecks() ? planner.plan(world.observed(), PASS) : first;
  }

  private static String condition(Plan plan, String type) {
    return Conditions.find(plan.status().getConditions(), type).getStatus();
  }

  private static String reason(Plan plan, String type) {
    return Conditions.find(plan.status().getConditions(), type).getReason();
  }

  private static ComponentSpec component(World world, String name) {
    return world.resource.getSpec().getComponents().stream()
        .filter(c -> c.getName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  private static RolloutSpec rollout(World world) {
    if (world.resource.getSpec().getRollout() == null) {
      world.resource.getSpec().setRollout(new RolloutSpec());
    }
    return world.resource.getSpec().getRollout();
  }

  /** R1 serves on both components; R2's migration succeeded. */
  private static World upgrade() {
    World world = new World().job(R2, JobView.Phase.Succeeded).bothDeployments(R1, 2, 1);
    world.revision = R2;
    return world;
  }

  // ---- ordered rollout ----

  @Test
  void aComponentAfterAnotherKeepsItsRevisionUntilTheOtherIsRolledOutAndAvailable() {
    World world = upgrade();
    component(world, "worker").setAfter(List.of("api"));

    Plan first = plan(world);
    assertThat(first.actions())
        .contains(new EnsureDeployment("api", 2, true))
        .noneMatch(a -> a instanceof EnsureDeployment e && e.component().equals("worker"));
    assertThat(first.status().getPhase()).isEqualTo(Phase.RollingOut);
    assertThat(Conditions.find(first.status().getConditions(), Conditions.READY).getMessage())
        .contains("worker: waits for api to roll out and be available");

    world.status(first.status());
    world.deployments.put("api", Views.rolling("api", R2, 2, 2, State.PROGRESSING));
    assertThat(plan(world).actions())
        .as("api's new pods are not available yet")
        .noneMatch(a -> a instanceof EnsureDeployment e && e.component().equals("worker"));

    world.deployment("api", R2, 2, 2);
    Plan afterApi = plan(world);
    assertThat(afterApi.actions()).contains(new EnsureDeployment("worker", 1, true));
    assertThat(afterApi.status().getPhase()).isEqualTo(Phase.RollingOut);

    world.status(afterApi.status()).deployment("worker", R2, 1, 1);
    assertThat(plan(world).status().getPhase()).isEqualTo(Phase.Ready);
  }

  @Test
  void aFailureStopsTheOrderWhereItIs() {
    World world = upgrade();
    component(world, "worker").setAfter(List.of("api"));
    world.deployments.put("api", Views.rolling("api", R2, 2, 2, State.DEADLINE_EXCEEDED));

    Plan plan = plan(world);
    assertThat(plan.status().getPhase()).isEqualTo(Phase.Failed);
    assertThat(reason(plan, Conditions.STALLED)).isEqualTo("ProgressDeadlineExceeded");
    assertThat(plan.actions())
        .as("the worker keeps serving R1")
        .noneMatch(a -> a instanceof EnsureDeployment e && e.component().equals("worker"));
    assertThat(condition(plan, Conditions.AVAILABLE)).isEqualTo("True");
  }

  @Test
  void onFirstInstallAWaitingComponentIsCreatedAtZero() {
    World world = new World().job(R1, JobView.Phase.Succeeded);
    component(world, "worker").setAfter(List.of("api"));
    Plan plan = plan(world);
    assertThat(plan.actions())
        .contains(new EnsureDeployment("api", 2, true), new EnsureDeployment("worker", 0, true));
  }

  @Test
  void aCycleInTheOrderIsRefusedNamingIt() {
    World world = upgrade();
    component(world, "worker").setAfter(List.of("api"));
    component(world, "api").setAfter(List.of("worker"));

    Plan plan = plan(world);
    assertThat(plan.actions()).isEmpty();
    assertThat(plan.status().getPhase()).isEqualTo(Phase.Failed);
    assertThat(reason(plan, Conditions.STALLED)).isEqualTo("InvalidConfig");
    assertThat(Conditions.find(plan.status().getConditions(), Conditions.STALLED).getMessage())
        .contains("spec.components[].after")
        .contains("api after worker after api");
    assertThat(plan.events()).extracting(Plan.Note::reason).containsExactly("InvalidConfig");
  }

  // ---- migrate ahead ----

  @Test
  void aHeldRevisionIsMigratedAndVerifiedButNotRolledOut() {
    World world = new World().bothDeployments(R1, 2, 1);
    world.revision = R2;
    rollout(world).setHold(true);

    Plan migrating = plan(world);
    assertThat(migrating.actions())
        .containsExactly(
            new CreateJob("shop-migrate-" + R2, ""),
            new EnsureDeployment("worker", 0, false)); // stopDuringMigration
    assertThat(migrating.status().getPhase()).isEqualTo(Phase.Migrating);

    world
        .status(migrating.status())
        .job(R2, JobView.Phase.Succeeded)
        .deployment("worker", R1, 0, 0);
    Plan held = plan(world);
    assertThat(held.actions())
        .as("components keep R1; the worker stopped during the migration runs R1 again")
        .containsExactly(new EnsureDeployment("worker", 1, false));
    assertThat(held.status().getPhase()).isEqualTo(Phase.Held);
    assertThat(condition(held, Conditions.READY)).isEqualTo("False");
    assertThat(reason(held, Conditions.READY)).isEqualTo("RolloutHeld");
    assertThat(condition(held, Conditions.RECONCILING)).isEqualTo("False");
    assertThat(condition(held, Conditions.STALLED)).isEqualTo("False");
    assertThat(condition(held, Conditions.AVAILABLE)).isEqualTo("True");
    assertThat(condition(held, Conditions.SCHEMA_VERIFIED)).isEqualTo("True");
    assertThat(held.events()).extracting(Plan.Note::reason).contains("RolloutHeld");

    world.status(held.status()).deployment("worker", R1, 1, 1);
    Plan again = plan(world);
    assertThat(again.events()).as("one Event per hold").isEmpty();
    assertThat(again.status().getPhase()).isEqualTo(Phase.Held);
    world.status(again.status());
    assertThat(plan(world).status()).as("a steady hold writes nothing").isEqualTo(again.status());

    rollout(world).setHold(false);
    Plan released = plan(world);
    assertThat(released.actions())
        .as("released without a migration")
        .noneMatch(a -> a instanceof CreateJob)
        .contains(new EnsureDeployment("api", 2, true), new EnsureDeployment("worker", 1, true));
    assertThat(released.status().getPhase()).isEqualTo(Phase.RollingOut);
  }
}
