package dev.schemagate.reliability;

import static dev.schemagate.testing.ShopApp.APP;
import static dev.schemagate.testing.ShopApp.FULL_SCHEMA;
import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.Phase;
import dev.schemagate.lifecycle.Checks;
import dev.schemagate.lifecycle.DependencyChecks;
import dev.schemagate.lifecycle.LiveDependencyChecks;
import dev.schemagate.lifecycle.RevisionRecordRequest;
import dev.schemagate.testing.StatusHistory;
import dev.schemagate.testkit.KubeletSimulator.Outcome;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The database restarts while the schema is being verified; the schema is there, but under another
 * schema name than the spec's; the user may not read the catalog. Each ends in its own clear
 * reason, and the ones that heal by themselves are retried until they do.
 */
class DatabaseFaultsTest extends RigScenarios {

  @Override
  Rig startRig(FaultyApiServer server) {
    return Rig.start(server, Rig.defaults(), false);
  }

  @Test
  void aDatabaseRestartingDuringVerificationIsUnreachableThenVerified() {
    try (RestartablePostgres pg = RestartablePostgres.start()) {
      rig.databaseOn(pg, () -> {});
      AtomicInteger checks = new AtomicInteger();
      DependencyChecks live = new LiveDependencyChecks();
      // The first verification (after the migration, when the revision is recorded) finds the
      // server going down; it is back when the check returns. The look-up before the migration
      // finds it up.
      DependencyChecks restarting =
          request -> {
            RevisionRecordRequest record = request.revisionRecord();
            if (record == null
                || record.kind() != RevisionRecordRequest.Kind.RECORD
                || checks.getAndIncrement() > 0) {
              return live.run(request);
            }
            pg.down();
            Checks result = live.run(request);
            pg.up();
            return result;
          };
      rig.startOperator(restarting);
      AppDeployment waiting;
      // Every version of the status a watch delivers: the unreachable one may be replaced by the
      // next check within milliseconds, quicker than polling would see it.
      try (StatusHistory history = StatusHistory.watch(rig.world.client, rig.world.namespace)) {
        rig.world.apply(APP);
        waiting =
            org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(60))
                .until(
                    () ->
                        history.seen().stream()
                            .map(StatusHistory.Seen::appd)
                            .filter(a -> a.getStatus() != null)
                            .filter(
                                a ->
                                    "DatabaseUnreachable"
                                        .equals(Awaits.reasonOf(a, "SchemaVerified")))
                            .findFirst()
                            .orElse(null),
                    java.util.Objects::nonNull);
      }
      assertThat(waiting.getStatus().getPhase()).isEqualTo(Phase.Verifying);
      assertThat(Awaits.statusOf(waiting, "Stalled")).isEqualTo("False");
      assertThat(Awaits.messageOf(waiting, "SchemaVerified")).startsWith("Database did not answer");
      // Read from the same snapshot: the next check may already have passed by now. That nothing
      // rolled out before it did is the audit's to say (below).
      assertThat(waiting.getStatus().getVerifiedRevision()).isNull();

      AppDeployment ready = Awaits.phase(rig.world, "shop", Phase.Ready);
      assertThat(checks.get()).isGreaterThanOrEqualTo(2);
      assertThat(ready.getStatus().getSchema().getVerified()).isTrue();
      assertThat(rig.jobsCreated()).hasSize(1);
      assertThat(rig.audit.violations()).isEmpty();
    }
  }

  @Test
  void tablesUnderAnotherSchemaThanTheSpecsAreNamedMissingNotFound() {
    // The migration put everything in schema "app", which is the user's search_path; the spec
    // asks for public (the default). Only the spec's schema counts.
    rig.world.kubelet.migrations(
        job -> {
          rig.world.sql("CREATE SCHEMA IF NOT EXISTS app; SET search_path TO app;" + FULL_SCHEMA);
          rig.audit.built(job);
          return Outcome.SUCCEED;
        });
    rig.startOperator();
    rig.world.apply(APP);

    AppDeployment failed = Awaits.phase(rig.world, "shop", Phase.Failed);
    assertThat(Awaits.reasonOf(failed, "SchemaVerified")).isEqualTo("SchemaOutdated");
    assertThat(failed.getStatus().getSchema().getMissingTables())
        .containsExactly("business", "calendar_routing_rules");
    assertThat(Awaits.messageOf(failed, "SchemaVerified"))
        .isEqualTo(
            "Missing tables: [business, calendar_routing_rules] (tables of these names exist in"
                + " schema app: check spec.database.schema and the migration's search_path)");
    assertThat(Awaits.replicas(rig.world, "shop-api")).isZero();

    // Naming the right schema is not a new revision: the same migration's result is verified.
    Awaits.edit(rig.world, "shop", a -> a.getSpec().getDatabase().setSchema("app"));
    Awaits.phase(rig.world, "shop", Phase.Ready);
    assertThat(rig.jobsCreated()).hasSize(1);
    assertThat(rig.audit.violations()).isEmpty();
  }

  @Test
  void aSpecNamingASchemaThatDoesNotExistSaysSo() {
    rig.startOperator();
    rig.world.apply(APP.replace("timeoutSeconds: 3}", "timeoutSeconds: 3, schema: tenant_a}"));

    AppDeployment failed = Awaits.phase(rig.world, "shop", Phase.Failed);
    assertThat(Awaits.reasonOf(failed, "SchemaVerified")).isEqualTo("SchemaOutdated");
    assertThat(Awaits.messageOf(failed, "SchemaVerified")).startsWith("Schema tenant_a not found");
  }

  @Test
  void aUserWithoutCatalogRightsIsPermissionDeniedAndRetriedUntilGranted() {
    String user = "weak_" + rig.world.database;
    rig.world.sql(
        "CREATE ROLE "
            + user
            + " LOGIN; REVOKE SELECT ON pg_catalog.pg_class FROM PUBLIC;"
            + " GRANT SELECT ON pg_catalog.pg_class TO postgres;");
    rig.world.putSecret(
        "app-db",
        "url",
        rig.world.databaseUrl().replace("postgresql://postgres:", "postgresql://" + user + ":"));
    rig.startOperator();
    rig.world.apply(APP);

    AppDeployment denied = Awaits.reason(rig.world, "shop", "SchemaVerified", "PermissionDenied");
    assertThat(Awaits.messageOf(denied, "SchemaVerified"))
        .contains("permission denied for table pg_class")
        .contains("42501");
    assertThat(denied.getStatus().getPhase()).isEqualTo(Phase.Verifying);
    assertThat(Awaits.statusOf(denied, "Stalled")).isEqualTo("False");
    assertThat(Awaits.replicas(rig.world, "shop-api")).isZero();

    rig.world.sql("GRANT SELECT ON pg_catalog.pg_class TO PUBLIC");
    Awaits.phase(rig.world, "shop", Phase.Ready);
    assertThat(rig.jobsCreated()).hasSize(1);
  }
}
