package dev.schemagate.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.InvalidAppDeployments;
import dev.schemagate.api.RolloutSpec;
import dev.schemagate.lifecycle.Action.CreateDeployment;
import dev.schemagate.lifecycle.Action.EnsureDeployment;
import dev.schemagate.lifecycle.Action.EnsureService;
import dev.schemagate.lifecycle.Action.RollDeployment;
import dev.schemagate.lifecycle.Action.ScaleDeployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a component's decided Deployment takes against what is observed: the up-to-date test. */
class ComponentWritesTest {

  private static final String R1 = "aaaaaaaaaa";
  private static final String IMAGE = "registry.example.com/shop:1.0.0";

  private final AppDeployment resource =
      new KubernetesSerialization().unmarshal(InvalidAppDeployments.VALID, AppDeployment.class);
  private final Map<String, DeploymentView> deployments = new HashMap<>();
  private final Map<String, ServiceView> services = new HashMap<>();

  private Observed observed() {
    Map<String, String> wanted = new HashMap<>();
    resource.getSpec().getComponents().forEach(c -> wanted.put(c.getName(), Views.template(R1)));
    return new Observed(
        resource,
        R1,
        "",
        List.of(),
        List.of(),
        deployments,
        wanted,
        "checks",
        null,
        List.of(),
        Instant.EPOCH,
        services);
  }

  private List<Action> writes(Action... actions) {
    return ComponentWrites.resolve(List.of(actions), observed());
  }

  private void api(String revision, String image, int replicas, Integer deadline) {
    DeploymentView settled = Views.settled("api", revision, image, replicas, replicas, replicas);
    deployments.put(
        "api",
        new DeploymentView(
            settled.name(),
            settled.templateHash(),
            settled.revision(),
            settled.image(),
            settled.replicas(),
            settled.readyReplicas(),
            settled.pods(),
            settled.rollout(),
            settled.problem(),
            settled.schemaRequirements(),
            settled.podRevisions(),
            deadline));
  }

  private void apiService(boolean exists, boolean ours, String ports) {
    services.put("api", new ServiceView("shop-api", exists, ours, ports, "main:80->http"));
  }

  @Test
  void aMissingDeploymentIsCreatedWithItsMissingService() {
    apiService(false, false, null);
    assertThat(writes(new EnsureDeployment("api", 0, true)))
        .containsExactly(new CreateDeployment("api", 0), new EnsureService("api"));
  }

  @Test
  void aDeploymentAsDecidedAndAServiceWithTheSpecsPortsTakeNothing() {
    api(R1, IMAGE, 2, null);
    apiService(true, true, "main:80->http");
    assertThat(writes(new EnsureDeployment("api", 2, true))).isEmpty();
  }

  @Test
  void anotherTemplateImageReplicasOrDeadlineIsRolled() {
    api("bbbbbbbbbb", IMAGE, 2, null);
    assertThat(writes(new EnsureDeployment("api", 2, true)))
        .containsExactly(new RollDeployment("api", 2));

    api(R1, "registry.example.com/shop:by-hand", 2, null);
    assertThat(writes(new EnsureDeployment("api", 2, true)))
        .containsExactly(new RollDeployment("api", 2));

    api(R1, IMAGE, 0, null);
    assertThat(writes(new EnsureDeployment("api", 2, true)))
        .containsExactly(new RollDeployment("api", 2));

    RolloutSpec rollout = resource.getSpec().getRollout();
    rollout.setProgressDeadlineSeconds(120);
    api(R1, IMAGE, 2, 600);
    assertThat(writes(new EnsureDeployment("api", 2, true)))
        .containsExactly(new RollDeployment("api", 2));
    api(R1, IMAGE, 2, 120);
    assertThat(writes(new EnsureDeployment("api", 2, true))).isEmpty();
  }

  @Test
  void aKeptTemplateIsOnlyScaledAndOnlyWhenItsReplicasDiffer() {
    api("bbbbbbbbbb", IMAGE, 2, null);
    assertThat(writes(new EnsureDeployment("api", 0, false)))
        .containsExactly(new ScaleDeployment("api", 0));
    assertThat(writes(new EnsureDeployment("api", 2, false))).isEmpty();
  }

  @Test
  void aServiceOfOursWithOtherPortsIsCorrectedAndOneNotOursIsNeverWritten() {
    api(R1, IMAGE, 2, null);
    apiService(true, true, "main:8080->http");
    assertThat(writes(new EnsureDeployment("api", 2, true)))
        .containsExactly(new EnsureService("api"));

    apiService(true, false, "main:8080->http");
    assertThat(writes(new EnsureDeployment("api", 2, true))).isEmpty();
  }

  @Test
  void otherActionsAreWrittenAsDecidedInOrder() {
    Action create = new Action.CreateJob("shop-migrate-" + R1, "");
    Action diagnostics = new Action.LogRolloutDiagnostics();
    api(R1, IMAGE, 2, null);
    assertThat(writes(create, new EnsureDeployment("api", 3, true), diagnostics))
        .containsExactly(create, new RollDeployment("api", 3), diagnostics);
  }
}
