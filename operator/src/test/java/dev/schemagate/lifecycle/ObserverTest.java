package dev.schemagate.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.InvalidAppDeployments;
import dev.schemagate.workload.ComponentDeployments;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the observer reads into the revision, and how it sees a component's Service. */
class ObserverTest {

  private static ConfigMap migrations(String latin1FileBase64) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName("shop-migrations")
        .endMetadata()
        .addToData("V1__business.sql", "CREATE TABLE business (id INT);")
        .addToBinaryData("V2__caf\u00e9.sql", latin1FileBase64)
        .build();
  }

  @Test
  void aChangeInBinaryDataIsANewRevision() {
    KubernetesSerialization json = new KubernetesSerialization();
    AppDeployment appd = json.unmarshal(InvalidAppDeployments.VALID, AppDeployment.class);
    appd.getSpec()
        .setMigration(
            json.unmarshal(
                "{\"flyway\": {\"configMapRef\": {\"name\": \"shop-migrations\"}}}",
                dev.schemagate.api.MigrationSpec.class));
    Map<String, String> before = Observer.flywayFiles(migrations("Q1JFQVRFIFRBQkxFIGNhZukgKCk7"));
    Map<String, String> after = Observer.flywayFiles(migrations("Q1JFQVRFIFRBQkxFIHRo6SAoKTs="));

    assertThat(before).containsKeys("V1__business.sql", "V2__caf\u00e9.sql");
    assertThat(Revision.of(appd.getSpec(), before))
        .isNotEqualTo(Revision.of(appd.getSpec(), after));
  }

  @Test
  void aServiceIsSeenWithItsPortsAndWhoseItIs() {
    KubernetesSerialization json = new KubernetesSerialization();
    AppDeployment appd = json.unmarshal(InvalidAppDeployments.VALID, AppDeployment.class);
    appd.getMetadata().setUid("uid-of-shop");
    assertThat(Observer.services(appd, Map.of()))
        .containsOnlyKeys("api")
        .containsEntry("api", new ServiceView("shop-api", false, false, null, "main:80->http"));

    Service ours = ComponentDeployments.service(appd, appd.getSpec().getComponents().get(0));
    ours.getSpec().getPorts().get(0).setProtocol("TCP"); // the API server's default: no change
    assertThat(Observer.services(appd, Map.of("shop-api", ours)).get("api"))
        .isEqualTo(new ServiceView("shop-api", true, true, "main:80->http", "main:80->http"))
        .satisfies(v -> assertThat(v.needsWrite()).isFalse());

    Service theirs =
        new ServiceBuilder()
            .withNewMetadata()
            .withName("shop-api")
            .endMetadata()
            .withNewSpec()
            .addNewPort()
            .withPort(9)
            .endPort()
            .endSpec()
            .build();
    assertThat(Observer.services(appd, Map.of("shop-api", theirs)).get("api"))
        .isEqualTo(new ServiceView("shop-api", true, false, "null:9->9", "main:80->http"))
        .satisfies(v -> assertThat(v.needsWrite()).isFalse());
  }
}
