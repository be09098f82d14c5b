package dev.schemagate.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.AppDeploymentStatus;
import dev.schemagate.api.InvalidAppDeployments;
import dev.schemagate.masking.Masker;
import dev.schemagate.runtime.OperatorSettings;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
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
    executor(true).execute(owner, plan, Masker.standard(), Map.of());
    executor(true).execute(owner, plan, Masker.standard(), Map.of());
    assertThat(client.batch().v1().jobs().inNamespace("exec").list().getItems())
        .extracting(j -> j.getMetadata().getName())
        .containsExactly("shop-migrate-aaaaaaaaaa");
  }

  @Test
  void aReplicaThatNoLongerLeadsWritesNothing() {
    Plan plan = plan(new Action.CreateJob("shop-migrate-bbbbbbbbbb", ""));
    assertThatThrownBy(() -> executor(false).execute(owner, plan, Masker.standard(), Map.of()))
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
            Map.of());
    assertThat(client.services().inNamespace("exec").withName("shop-cron").get()).isNotNull();
  }
}
