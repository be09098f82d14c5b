package dev.schemagate.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.AppDeploymentStatus;
import dev.schemagate.api.InvalidAppDeployments;
import dev.schemagate.masking.Masker;
import dev.schemagate.runtime.OperatorSettings;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Executor carries out a plan's writes - and only while this replica leads. */
@EnableKubernetesMockClient(crud = true)
class ExecutorTest {

  static KubernetesClient client;

  private AppDeployment owner;

  @BeforeEach
  void owner() {
    owner =
        client
            .getKubernetesSerialization()
            .unmarshal(InvalidAppDeployments.VALID, AppDeployment.class);
    owner.getMetadata().setNamespace("exec");
    owner.getMetadata().setUid("uid-of-shop");
  }

  private static Plan plan(Action... actions) {
    AppDeploymentStatus status = new AppDeploymentStatus();
    status.setRevision("aaaaaaaaaa");
    return new Plan(List.of(actions), false, status, List.of(), null);
  }

  private Executor executor(boolean leading) {
    return new Executor(client, OperatorSettings.DEFAULT_IMAGE, () -> leading);
  }

  @Test
  void aJobIsCreatedOnceAndAskingAgainIsFine() {
    Plan plan = plan(new Action.CreateJob("shop-migrate-aaaaaaaaaa", ""));
    executor(true).execute(owner, plan, Masker.standard(), Executor.Cached.NONE);
    executor(true).execute(owner, plan, Masker.standard(), Executor.Cached.NONE);
    assertThat(client.batch().v1().jobs().inNamespace("exec").list().getItems())
        .extracting(j -> j.getMetadata().getName())
        .containsExactly("shop-migrate-aaaaaaaaaa");
  }

  @Test
  void aReplicaThatNoLongerLeadsWritesNothing() {
    Plan plan = plan(new Action.CreateJob("shop-migrate-bbbbbbbbbb", ""));
    assertThatThrownBy(
            () -> executor(false).execute(owner, plan, Masker.standard(), Executor.Cached.NONE))
        .hasMessageContaining("not the leader");
    assertThat(
            client
                .batch()
                .v1()
                .jobs()
                .inNamespace("exec")
                .withName("shop-migrate-bbbbbbbbbb")
                .get())
        .isNull();
  }

  @Test
  void removingAComponentLeavesAServiceOfItsNameThatIsNotOurs() {
    client
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withName("shop-cron")
                .withNamespace("exec")
                .endMetadata()
                .withNewSpec()
                .addNewPort()
                .withPort(9)
                .endPort()
                .endSpec()
                .build())
        .create();
    executor(true)
        .execute(
            owner,
            plan(new Action.RemoveComponent("cron", "shop-cron")),
            Masker.standard(),
            Executor.Cached.NONE);
    assertThat(client.services().inNamespace("exec").withName("shop-cron").get()).isNotNull();
  }

  private static Service foreignService(String name, int port) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("exec")
        .endMetadata()
        .withNewSpec()
        .addNewPort()
        .withPort(port)
        .endPort()
        .endSpec()
        .build();
  }

  private Executor.Cached cachedFromServer() {
    Map<String, Deployment> deployments = new HashMap<>();
    client
        .apps()
        .deployments()
        .inNamespace("exec")
        .list()
        .getItems()
        .forEach(d -> deployments.put(d.getMetadata().getName(), d));
    Map<String, Service> services = new HashMap<>();
    client
        .services()
        .inNamespace("exec")
        .list()
        .getItems()
        .forEach(s -> services.put(s.getMetadata().getName(), s));
    return new Executor.Cached(deployments, services);
  }

  @Test
  void createRollAndScaleAreCarriedOutAsPlanned() {
    String api = owner.getSpec().getComponents().get(0).getName();
    String name = "shop-" + api;
    executor(true)
        .execute(
            owner,
            plan(new Action.CreateDeployment(api, 0)),
            Masker.standard(),
            Executor.Cached.NONE);
    Deployment created = client.apps().deployments().inNamespace("exec").withName(name).get();
    assertThat(created.getSpec().getReplicas()).isZero();

    executor(true)
        .execute(
            owner, plan(new Action.ScaleDeployment(api, 3)), Masker.standard(), cachedFromServer());
    Deployment scaled = client.apps().deployments().inNamespace("exec").withName(name).get();
    assertThat(scaled.getSpec().getReplicas()).isEqualTo(3);
    assertThat(scaled.getSpec().getTemplate()).isEqualTo(created.getSpec().getTemplate());

    owner.getSpec().setImage("shop:2");
    executor(true)
        .execute(
            owner, plan(new Action.RollDeployment(api, 2)), Masker.standard(), cachedFromServer());
    Deployment rolled = client.apps().deployments().inNamespace("exec").withName(name).get();
    assertThat(rolled.getSpec().getReplicas()).isEqualTo(2);
    assertThat(rolled.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("shop:2");
  }

  @Test
  void aDecisionIsNotCarriedOutAsAWrite() {
    assertThatThrownBy(
            () ->
                executor(true)
                    .execute(
                        owner,
                        plan(new Action.EnsureDeployment("api", 1, true)),
                        Masker.standard(),
                        Executor.Cached.NONE))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aServiceIsCreatedThenGivenTheSpecsPortsButOneNotOursIsNeverTaken() {
    String withService =
        owner.getSpec().getComponents().stream()
            .filter(c -> c.getService() != null)
            .findFirst()
            .orElseThrow()
            .getName();
    String name = "shop-" + withService;
    executor(true)
        .execute(
            owner,
            plan(new Action.EnsureService(withService)),
            Masker.standard(),
            Executor.Cached.NONE);
    Service created = client.services().inNamespace("exec").withName(name).get();
    assertThat(created.getMetadata().getOwnerReferences()).isNotEmpty();
    int port = created.getSpec().getPorts().get(0).getPort();

    Service edited = client.getKubernetesSerialization().clone(created);
    edited.getSpec().getPorts().get(0).setPort(port + 1);
    client.resource(edited).update();
    executor(true)
        .execute(
            owner,
            plan(new Action.EnsureService(withService)),
            Masker.standard(),
            cachedFromServer());
    assertThat(client.services().inNamespace("exec").withName(name).get().getSpec().getPorts())
        .extracting(p -> p.getPort())
        .containsExactly(port);

    client.services().inNamespace("exec").withName(name).delete();
    client.resource(foreignService(name, 9)).create();
    executor(true)
        .execute(
            owner,
            plan(new Action.EnsureService(withService)),
            Masker.standard(),
            cachedFromServer());
    assertThat(client.services().inNamespace("exec").withName(name).get().getSpec().getPorts())
        .extracting(p -> p.getPort())
        .containsExactly(9);
  }
}
