package dev.schemagate.reliability;

import static dev.schemagate.testing.ShopApp.APP;
import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.MigrationState;
import dev.schemagate.api.Phase;
import dev.schemagate.testing.DriverTrap;
import dev.schemagate.testing.LifecycleHarness;
import dev.schemagate.testkit.KubeletSimulator.Outcome;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The referenced Secret is missing, lacks the key, holds no URL, is created later (noticed without
 * a restart), or is rotated (verification uses the new value). Each reason names the field; no
 * value ever reaches status or an Event.
 */
class SecretChangesTest extends RigScenarios {

  private static final String CANARY = "S3CRETq-rotated";

  @Test
  void aSecretCreatedAfterTheAppDeploymentIsNoticedWithoutARestart() {
    applyWithDatabaseRef("late-db", "url");

    AppDeployment stalled = Awaits.reason(rig.world, "shop", "Stalled", "InvalidConfig");
    assertThat(Awaits.messageOf(stalled, "Stalled"))
        .isEqualTo("spec.database.urlSecretRef: Secret \"late-db\" not found");
    assertThat(Awaits.statusOf(stalled, "Ready")).isEqualTo("False");
    assertThat(rig.world.jobs()).isEmpty();
    assertThat(rig.world.deployment("shop-api")).as("nothing is touched").isNull();

    Instant created = Instant.now();
    rig.world.putSecret("late-db", "url", rig.world.databaseUrl());
    Awaits.phase(rig.world, "shop", Phase.Ready);
    assertThat(Duration.between(created, Instant.now()))
        .as("noticed at the next look, seconds later, not a minute")
        .isLessThan(Duration.ofSeconds(30));
    assertThat(rig.jobsCreated()).hasSize(1);
  }

  private void applyWithDatabaseRef(String secret, String key) {
    rig.world.apply(
        APP.replace(
            "{name: app-db, key: url}, timeoutSeconds",
            "{name: " + secret + ", key: " + key + "}, timeoutSeconds"));
  }

  @Test
  void aMissingKeyIsNamed() {
    applyWithDatabaseRef("app-db", "uri");

    AppDeployment stalled = Awaits.reason(rig.world, "shop", "Stalled", "InvalidConfig");
    assertThat(Awaits.messageOf(stalled, "Stalled"))
        .startsWith("spec.database.urlSecretRef: ")
        .contains("app-db")
        .contains("\"uri\"");
    assertThat(stalled.getStatus().getPhase()).isEqualTo(Phase.Failed);
    assertThat(rig.world.jobs()).isEmpty();
  }

  @Test
  void aMissingRedisSecretIsNamed() {
    rig.world.apply(
        APP.replace(
            "  migration:", "  redis: {urlSecretRef: {name: app-redis, key: url}}\n  migration:"));

    AppDeployment stalled = Awaits.reason(rig.world, "shop", "Stalled", "InvalidConfig");
    assertThat(Awaits.messageOf(stalled, "Stalled"))
        .isEqualTo("spec.redis.urlSecretRef: Secret \"app-redis\" not found");
  }

  @Test
  void aValueThatIsNoUrlIsNamedWithoutShowingIt() {
    rig.world.putSecret("app-db", "url", "::" + CANARY + " is no url::");
    rig.world.apply(APP);

    AppDeployment stalled =
        Awaits.reason(rig.world, "shop", "SchemaVerified", "InvalidDatabaseUrl");
    assertThat(Awaits.messageOf(stalled, "SchemaVerified"))
        .startsWith("spec.database.urlSecretRef: ");
    assertThat(Awaits.statusOf(stalled, "Stalled")).isEqualTo("True");
    assertThat(Awaits.replicas(rig.world, "shop-api")).isZero();
    String everything =
        rig.world.client.getKubernetesSerialization().asJson(stalled.getStatus())
            + rig.world
                .client
                .getKubernetesSerialization()
                .asJson(rig.world.client.v1().events().inNamespace(rig.world.namespace).list());
    assertThat(everything).doesNotContain(CANARY);
  }

  @Test
  void aUrlParameterNamingAClassIsNamedInStatusAndTheClassNeverLoaded() {
    rig.world.putSecret(
        "app-db",
        "url",
        rig.world.databaseUrl() + "?sslmode=disable&socketFactory=" + DriverTrap.NAME);
    rig.world.apply(APP);

    AppDeployment stalled =
        Awaits.reason(rig.world, "shop", "SchemaVerified", "InvalidDatabaseUrl");
    assertThat(Awaits.messageOf(stalled, "SchemaVerified"))
        .startsWith(
            "spec.database.urlSecretRef: parameter \"socketFactory\" is refused: it names a Java"
                + " class");
    assertThat(Awaits.statusOf(stalled, "Stalled")).isEqualTo("True");
    assertThat(Awaits.replicas(rig.world, "shop-api")).isZero();
    String everything =
        rig.world.client.getKubernetesSerialization().asJson(stalled.getStatus())
            + rig.world
                .client
                .getKubernetesSerialization()
                .asJson(rig.world.client.v1().events().inNamespace(rig.world.namespace).list());
    assertThat(everything).doesNotContain(LifecycleHarness.DB_PASSWORD);
    assertThat(DriverTrap.Tripwire.initialized()).as("the class is never loaded").isFalse();
  }

  @Test
  void aSecretRotatedWhileTheJobRunsIsTheOneVerificationUses() {
    // Before the rotation the URL points at an empty database of the same server.
    String empty = rig.world.database + "_before_rotation";
    rig.world.sql("SELECT 1");
    try (var c =
        dev.schemagate.testkit.TestPostgres.admin(dev.schemagate.testkit.TestPostgres.shared())) {
      dev.schemagate.testkit.TestPostgres.exec(c, "CREATE DATABASE " + empty);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
    rig.world.putSecret(
        "app-db", "url", rig.world.databaseUrl().replace("/" + rig.world.database, "/" + empty));
    rig.world.kubelet.migrations(job -> Outcome.RUN_UNTIL_RELEASED);
    rig.world.apply(APP);
    rig.world.awaitStatus(
        "shop", a -> a.getStatus().getMigration().getState() == MigrationState.Running);

    rig.world.putSecret("app-db", "url", rig.world.databaseUrl());
    rig.releaseHeldJobs();

    AppDeployment ready = Awaits.phase(rig.world, "shop", Phase.Ready);
    assertThat(ready.getStatus().getSchema().getVerified()).isTrue();
    assertThat(rig.audit.violations()).isEmpty();
  }
}
