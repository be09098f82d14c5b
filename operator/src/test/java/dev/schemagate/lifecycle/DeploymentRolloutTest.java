package dev.schemagate.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.testing.HealthJudges;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.api.Test;

/**
 * {@link DeploymentRollout} says "rolled out" exactly when kstatus - the library Flux judges health
 * with, run here for real - says Current, and "stuck" exactly when it says Failed.
 */
class DeploymentRolloutTest {

  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  /** A Deployment's spec and status, in the ranges where the rules differ. */
  record Shape(
      Integer replicas,
      Integer progressDeadline,
      long generation,
      Long observed,
      int statusReplicas,
      int updated,
      int ready,
      int available,
      String availableCondition,
      String progressingReason) {}

  /** A count: most often what the spec asks (-1 stands for that), else anything near it. */
  private static Arbitrary<Integer> count() {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(3, Arbitraries.just(-1)),
        net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, 3)));
  }

  @Provide
  Arbitrary<Shape> shapes() {
    return Combinators.combine(
            Combinators.combine(
                    Arbitraries.of(0, 1, 2, 3).injectNull(0.1),
                    Arbitraries.of(600).injectNull(0.3),
                    Arbitraries.longs().between(2, 3),
                    Arbitraries.longs().between(1, 3).injectNull(0.1))
                .as((a, b, c, d) -> java.util.Arrays.asList(a, b, c, d)),
            count(),
            count(),
            count(),
            count(),
            Arbitraries.frequency(
                net.jqwik.api.Tuple.of(4, "True"),
                net.jqwik.api.Tuple.of(1, "False"),
                net.jqwik.api.Tuple.of(1, "absent")),
            Arbitraries.frequency(
                net.jqwik.api.Tuple.of(4, "NewReplicaSetAvailable"),
                net.jqwik.api.Tuple.of(1, "ReplicaSetUpdated"),
                net.jqwik.api.Tuple.of(1, "ProgressDeadlineExceeded"),
                net.jqwik.api.Tuple.of(1, "absent")))
        .as(
            (spec, statusReplicas, updated, ready, available, availableCondition, progressing) -> {
              Integer replicas = (Integer) spec.get(0);
              int wanted = replicas == null ? 1 : replicas;
              long generation = (Long) spec.get(2);
              Long observed = (Long) spec.get(3);
              return new Shape(
                  replicas,
                  (Integer) spec.get(1),
                  generation,
                  observed == null || observed == 1 ? observed : Long.valueOf(generation),
                  statusReplicas < 0 ? wanted : statusReplicas,
                  updated < 0 ? wanted : updated,
                  ready < 0 ? wanted : ready,
                  available < 0 ? wanted : available,
                  availableCondition,
                  progressing);
            });
  }

  @Property(seed = "20261206", tries = 300)
  void agreesWithKstatus(@ForAll("shapes") Shape shape) {
    Deployment deployment = deployment(shape);
    DeploymentRollout rollout = DeploymentRollout.of(deployment);
    String kstatus = HealthJudges.kstatus(JSON.asJson(deployment)).status();
    Statistics.label("kstatus").collect(kstatus);

    String ours =
        switch (rollout.state()) {
          case COMPLETE -> "Current";
          case DEADLINE_EXCEEDED -> "Failed";
          case PROGRESSING -> "InProgress";
        };
    assertThat(ours).as("%s: %s", shape, rollout.message()).isEqualTo(kstatus);
  }

  @Test
  void aRollingUpdateWithTheOldPodsServingIsAvailableButNotComplete() {
    Shape rolling = new Shape(2, 600, 3, 3L, 3, 1, 2, 2, "True", "ReplicaSetUpdated");
    DeploymentRollout rollout = DeploymentRollout.of(deployment(rolling));
    assertThat(rollout.state()).isEqualTo(DeploymentRollout.State.PROGRESSING);
    assertThat(rollout.minimumAvailable()).isTrue();
    assertThat(rollout.message()).isEqualTo("Updated: 1/2");
  }

  @Test
  void aStatusOfAnOlderGenerationIsNotLookedAt() {
    Shape stale = new Shape(2, 600, 4, 3L, 2, 2, 2, 2, "True", "NewReplicaSetAvailable");
    DeploymentRollout rollout = DeploymentRollout.of(deployment(stale));
    assertThat(rollout.complete()).isFalse();
    assertThat(rollout.message()).contains("observe generation 4");
  }

  @Test
  void withoutAnAvailableConditionTheCountsDecideAvailability() {
    Shape bare = new Shape(2, null, 1, 1L, 2, 2, 1, 1, "absent", "absent");
    assertThat(DeploymentRollout.of(deployment(bare)).minimumAvailable()).isFalse();
  }

  private static Deployment deployment(Shape shape) {
    List<DeploymentCondition> conditions = new ArrayList<>();
    if (!shape.availableCondition().equals("absent")) {
      conditions.add(condition("Available", shape.availableCondition(), "MinimumReplicas"));
    }
    if (!shape.progressingReason().equals("absent")) {
      boolean failed = shape.progressingReason().equals("ProgressDeadlineExceeded");
      conditions.add(
          condition("Progressing", failed ? "False" : "True", shape.progressingReason()));
    }
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName("shop-api")
        .withNamespace("shop")
        .withGeneration(shape.generation())
        .endMetadata()
        .withNewSpec()
        .withReplicas(shape.replicas())
        .withProgressDeadlineSeconds(shape.progressDeadline())
        .endSpec()
        .withNewStatus()
        .withObservedGeneration(shape.observed())
        .withReplicas(shape.statusReplicas())
        .withUpdatedReplicas(shape.updated())
        .withReadyReplicas(shape.ready())
        .withAvailableReplicas(shape.available())
        .withConditions(conditions)
        .endStatus()
        .build();
  }

  private static DeploymentCondition condition(String type, String status, String reason) {
    return new DeploymentConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .withMessage(reason)
        .build();
  }
}
