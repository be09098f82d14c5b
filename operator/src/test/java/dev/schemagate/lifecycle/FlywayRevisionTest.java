package dev.schemagate.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.AppDeploymentSpec;
import dev.schemagate.api.InvalidAppDeployments;
import dev.schemagate.api.MigrationSpec;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which Flyway sources and settings make a new revision, and which do not. */
class FlywayRevisionTest {

  static final KubernetesSerialization JSON = new KubernetesSerialization();
  static final Map<String, String> FILES =
      Map.of("V1__business.sql", "CREATE TABLE business (id INT);");

  static AppDeploymentSpec flyway(String flyway) {
    AppDeployment appd = JSON.unmarshal(InvalidAppDeployments.VALID, AppDeployment.class);
    appd.getSpec()
        .setMigration(JSON.unmarshal("{\"flyway\": " + flyway + "}", MigrationSpec.class));
    return appd.getSpec();
  }

  static String revision(String flyway) {
    return Revision.of(flyway(flyway), FILES);
  }

  static final String ONE_CONFIG_MAP = "{\"configMapRef\": {\"name\": \"shop-migrations\"}";

  /**
   * The revision of an AppDeployment that uses none of the new settings is the one it had before
   * they existed (computed by the operator before this change): upgrading the operator starts no
   * migration.
   */
  @Test
  void anAppDeploymentWithoutTheNewSettingsKeepsItsRevision() {
    assertThat(revision(ONE_CONFIG_MAP + ", \"baselineOnMigrate\": false}"))
        .isEqualTo("8b20b994de");
    assertThat(revision(ONE_CONFIG_MAP + ", \"mixed\": false, \"outOfOrder\": false}"))
        .isEqualTo("8b20b994de");
  }

  @Test
  void everySettingThatChangesWhatRunsIsANewRevision() {
    String base = revision(ONE_CONFIG_MAP + "}");
    for (String setting :
        new String[] {
          "\"mixed\": true",
          "\"encoding\": \"ISO-8859-1\"",
          "\"outOfOrder\": true",
          "\"target\": \"7\"",
          "\"table\": \"schema_version\"",
          "\"baselineOnMigrate\": true",
          "\"locations\": [\"/app/db\"]",
          "\"configMapRefs\": [{\"name\": \"more-sql\"}]",
          "\"placeholders\": {\"enabled\": true}",
          "\"placeholders\": {\"enabled\": true, \"values\": {\"owner\": \"shop\"}}",
        }) {
      assertThat(revision(ONE_CONFIG_MAP + ", " + setting + "}")).as(setting).isNotEqualTo(base);
    }
    assertThat(
            revision(
                ONE_CONFIG_MAP
                    + ", \"placeholders\": {\"enabled\": true, \"values\":"
                    + " {\"owner\": \"shop\"}}}"))
        .isNotEqualTo(
            revision(
                ONE_CONFIG_MAP
                    + ", \"placeholders\": {\"enabled\": true, \"values\":"
                    + " {\"owner\": \"mall\"}}}"));
  }

  @Test
  void howFlywayLocksIsNoNewRevision() {
    assertThat(revision(ONE_CONFIG_MAP + ", \"postgresqlTransactionalLock\": true}"))
        .isEqualTo(revision(ONE_CONFIG_MAP + "}"));
  }

  /** A changed file in any of several ConfigMaps, data or binaryData, is a new revision. */
  @Test
  void aChangeInAnyOfSeveralConfigMapsIsANewRevision() {
    AppDeploymentSpec spec =
        flyway("{\"configMapRefs\": [{\"name\": \"sql-2024\"}, {\"name\": \"sql-2025\"}]}");
    Map<String, String> y2024 = Map.of("V1__a.sql", "CREATE TABLE a (id INT);");
    Map<String, String> before =
        Observer.flywayFiles(
            new ConfigMapBuilder()
                .addToBinaryData("V2__caf\u00e9.sql", "Q1JFQVRFIFRBQkxFIGNhZukgKCk7")
                .build());
    Map<String, String> after =
        Observer.flywayFiles(
            new ConfigMapBuilder()
                .addToBinaryData("V2__caf\u00e9.sql", "Q1JFQVRFIFRBQkxFIHRo6SAoKTs=")
                .build());

    String first = Revision.of(spec, Map.of(), Map.of("sql-2024", y2024, "sql-2025", before));
    String second = Revision.of(spec, Map.of(), Map.of("sql-2024", y2024, "sql-2025", after));
    String moved = Revision.of(spec, Map.of(), Map.of("sql-2024", before, "sql-2025", y2024));

    assertThat(first).isNotEqualTo(second).isNotEqualTo(moved);
    assertThat(Revision.of(spec, Map.of(), Map.of("sql-2025", before, "sql-2024", y2024)))
        .as("the order the ConfigMaps were read in does not matter")
        .isEqualTo(first);
  }
}
