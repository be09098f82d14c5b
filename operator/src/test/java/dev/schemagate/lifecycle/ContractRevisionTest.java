package dev.schemagate.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.api.AppDeploymentSpec;
import dev.schemagate.api.ContractSpec;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which parts of the contract phase make a new revision, and which do not. */
class ContractRevisionTest {

  static final KubernetesSerialization JSON = new KubernetesSerialization();
  static final Map<String, String> EXPAND = FlywayRevisionTest.FILES;
  static final Map<String, String> CONTRACT =
      Map.of("V2__drop_legacy.sql", "ALTER TABLE business DROP COLUMN legacy;");

  /** The Flyway app of FlywayRevisionTest with {@code contract} as spec.migration.contract. */
  static AppDeploymentSpec withContract(String contract) {
    AppDeploymentSpec spec = FlywayRevisionTest.flyway(FlywayRevisionTest.ONE_CONFIG_MAP + "}");
    spec.getMigration().setContract(JSON.unmarshal(contract, ContractSpec.class));
    return spec;
  }

  static String flywayContract(String flyway, Map<String, String> files) {
    return Revision.of(
        withContract("{\"flyway\": " + flyway + "}"), EXPAND, Map.of(), files, Map.of());
  }

  static final String POST_SQL = "{\"configMapRef\": {\"name\": \"shop-contract\"}";

  /**
   * A contract command keeps the revision it had before the contract could be Flyway SQL (computed
   * by the operator before this change): upgrading the operator starts no migration.
   */
  @Test
  void anAppDeploymentWithAContractCommandKeepsItsRevision() {
    AppDeploymentSpec spec = withContract("{\"command\": [\"contract\"], \"args\": [\"--all\"]}");
    assertThat(Revision.of(spec, EXPAND)).isEqualTo("806c7dbb62");
    assertThat(Revision.of(spec, EXPAND, Map.of(), Map.of(), Map.of()))
        .isEqualTo(Revision.of(spec, EXPAND));
  }

  @Test
  void theContractsSqlIsPartOfTheRevision() {
    String base = flywayContract(POST_SQL + "}", CONTRACT);
    assertThat(base)
        .isNotEqualTo(Revision.of(withContract("{\"command\": [\"contract\"]}"), EXPAND))
        .isNotEqualTo(flywayContract(POST_SQL + "}", Map.of("V2__drop_legacy.sql", "SELECT 1;")))
        .isNotEqualTo(flywayContract("{\"configMapRef\": {\"name\": \"other\"}}", CONTRACT))
        .as("the contract's files are not the expand set's")
        .isNotEqualTo(
            Revision.of(
                withContract("{\"flyway\": " + POST_SQL + "}}"),
                CONTRACT,
                Map.of(),
                EXPAND,
                Map.of()));
  }

  @Test
  void everyContractSettingThatChangesWhatRunsIsANewRevision() {
    String base = flywayContract(POST_SQL + "}", CONTRACT);
    for (String setting :
        new String[] {
          "\"mixed\": true",
          "\"outOfOrder\": true",
          "\"target\": \"7\"",
          "\"table\": \"shop_contract_history\"",
          "\"locations\": [\"/app/db/contract\"]",
          "\"configMapRefs\": [{\"name\": \"more-sql\"}]",
          "\"placeholders\": {\"enabled\": true, \"values\": {\"owner\": \"shop\"}}",
        }) {
      assertThat(flywayContract(POST_SQL + ", " + setting + "}", CONTRACT))
          .as(setting)
          .isNotEqualTo(base);
    }
    assertThat(flywayContract(POST_SQL + ", \"postgresqlTransactionalLock\": true}", CONTRACT))
        .as("how Flyway locks")
        .isEqualTo(base);
  }

  /** A changed file in any of the contract's ConfigMaps, data or binaryData, is a new revision. */
  @Test
  void aChangeInAnyOfTheContractsConfigMapsIsANewRevision() {
    AppDeploymentSpec spec =
        withContract(
            "{\"flyway\": {\"configMapRefs\": [{\"name\": \"c-1\"}, {\"name\": \"c-2\"}]}}");
    Map<String, String> before =
        Observer.flywayFiles(
            new ConfigMapBuilder()
                .addToData("V3__a.sql", "SELECT 1;")
                .addToBinaryData("V4__caf\u00e9.sql", "Q1JFQVRFIFRBQkxFIGNhZukgKCk7")
                .build());
    Map<String, String> after =
        Observer.flywayFiles(
            new ConfigMapBuilder()
                .addToData("V3__a.sql", "SELECT 1;")
                .addToBinaryData("V4__caf\u00e9.sql", "Q1JFQVRFIFRBQkxFIHRo6SAoKTs=")
                .build());

    String first =
        Revision.of(spec, EXPAND, Map.of(), Map.of(), Map.of("c-1", CONTRACT, "c-2", before));
    assertThat(first)
        .isNotEqualTo(
            Revision.of(spec, EXPAND, Map.of(), Map.of(), Map.of("c-1", CONTRACT, "c-2", after)))
        .isNotEqualTo(
            Revision.of(spec, EXPAND, Map.of(), Map.of(), Map.of("c-1", before, "c-2", CONTRACT)))
        .isEqualTo(
            Revision.of(spec, EXPAND, Map.of(), Map.of(), Map.of("c-2", before, "c-1", CONTRACT)));
  }
}
