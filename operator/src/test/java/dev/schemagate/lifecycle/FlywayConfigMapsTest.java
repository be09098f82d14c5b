package dev.schemagate.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.api.FlywayMigrationSpec;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Flyway ConfigMaps the observer reads for the revision: the contract phase's like the rest.
 */
@EnableKubernetesMockClient(crud = true)
class FlywayConfigMapsTest {

  static KubernetesClient client;

  @Test
  void theContractsConfigMapsAreReadDataAndBinaryDataAndAMissingOneIsAProblemAtItsField() {
    client
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("post-sql")
                .withNamespace("shop")
                .endMetadata()
                .addToData("V1__drop.sql", "ALTER TABLE business DROP COLUMN legacy;")
                .addToBinaryData("V2__caf\u00e9.sql", "Q1JFQVRFIFRBQkxFIGNhZukgKCk7")
                .build())
        .create();
    FlywayMigrationSpec flyway =
        new KubernetesSerialization()
            .unmarshal(
                "{\"configMapRef\": {\"name\": \"post-sql\"},"
                    + " \"configMapRefs\": [{\"name\": \"post-sql\"}, {\"name\": \"absent\"}]}",
                FlywayMigrationSpec.class);
    List<String> problems = new ArrayList<>();

    Observer.FlywayConfigMaps read =
        Observer.FlywayConfigMaps.read(
            client, "shop", flyway, "spec.migration.contract.flyway", problems);

    assertThat(read.configMapRef()).containsOnlyKeys("V1__drop.sql", "V2__caf\u00e9.sql");
    assertThat(read.configMapRefs()).containsOnlyKeys("post-sql");
    assertThat(problems)
        .containsExactly(
            "spec.migration.contract.flyway.configMapRefs: ConfigMap \"absent\" not found");
    assertThat(
            Observer.FlywayConfigMaps.read(
                client, "shop", null, "spec.migration.contract.flyway", problems))
        .isEqualTo(new Observer.FlywayConfigMaps(java.util.Map.of(), java.util.Map.of()));
  }
}
