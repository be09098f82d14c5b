package dev.schemagate.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.InvalidAppDeployments;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the observer reads into the revision. */
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
}
