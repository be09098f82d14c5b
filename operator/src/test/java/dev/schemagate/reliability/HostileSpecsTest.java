package dev.schemagate.reliability;

import static dev.schemagate.testing.ShopApp.APP;
import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.ComponentSpec;
import dev.schemagate.api.Phase;
import dev.schemagate.api.TableRequirement;
import dev.schemagate.testkit.KubeletSimulator.Outcome;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Specs the CRD lets through but that try the operator: the longest names, the most components, a
 * thousand env entries, unicode, shell metacharacters, table names that need quoting or carry SQL.
 * Each ends in a clear status, never a crash loop, never SQL built from input.
 */
class HostileSpecsTest extends RigScenarios {

  private static final Pattern DNS_LABEL = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
  private static final String UNICODE = "Grüße, 世界 🚀 ‮ rtl, ﬁ ligature, ̈ combining";

  private AppDeployment apply(Consumer<AppDeployment> change) {
    AppDeployment appd =
        rig.world.client.getKubernetesSerialization().unmarshal(APP, AppDeployment.class);
    change.accept(appd);
    return rig.world.apply(rig.world.client.getKubernetesSerialization().asYaml(appd));
  }

  @Test
  void theLongestNamesTheCrdAllowsMakeValidObjectNames() {
    String name = "a" + "b".repeat(43); // 44, the CRD's limit
    String component = "c".repeat(63 - name.length() - 1);
    apply(
        a -> {
          a.getMetadata().setName(name);
          a.getSpec().getComponents().get(0).setName(component);
          a.getSpec().getRollout().setStopDuringMigration(null);
        });

    AppDeployment ready = Awaits.phase(rig.world, name, Phase.Ready);
    List<HasMetadata> made = new ArrayList<>(rig.world.jobs());
    made.add(rig.world.deployment(name + "-" + component));
    made.add(rig.world.deployment(name + "-worker"));
    for (HasMetadata object : made) {
      assertThat(object.getMetadata().getName()).hasSizeLessThanOrEqualTo(63).matches(DNS_LABEL);
    }
    // Pod names are the simulator's; their labels come from the operator's templates.
    made.addAll(rig.world.pods(Map.of("schemagate.dev/appdeployment", name)));
    assertThat(made).hasSizeGreaterThanOrEqualTo(4);
    for (HasMetadata object : made) {
      object
          .getMetadata()
          .getLabels()
          .forEach((key, value) -> assertThat(value).as(key).hasSizeLessThanOrEqualTo(63));
    }
    assertThat(rig.world.jobs().get(0).getMetadata().getName())
        .hasSize(63)
        .matches(DNS_LABEL)
        .endsWith(ready.getStatus().getRevision());
  }

  @Test
  void thirtyTwoComponentsWithUnicodeArgumentsRollOut() {
    apply(
        a -> {
          List<ComponentSpec> components = new ArrayList<>();
          for (int i = 0; i < 32; i++) {
            ComponentSpec c = new ComponentSpec();
            c.setName("c" + i);
            c.setReplicas(1);
            c.setArgs(List.of("--greeting", UNICODE));
            components.add(c);
          }
          a.getSpec().setComponents(components);
          a.getSpec().getRollout().setStopDuringMigration(null);
        });

    AppDeployment ready = Awaits.phase(rig.world, "shop", Phase.Ready);
    assertThat(ready.getStatus().getReady()).isEqualTo("32/32");
    assertThat(ready.getStatus().getComponents()).hasSize(32);
    Container app =
        rig.world.deployment("shop-c31").getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(app.getArgs()).containsExactly("--greeting", UNICODE);
    assertThat(rig.jobsCreated()).hasSize(1);
  }

  @Test
  void aThousandEnvEntriesWithUnicodeReachTheJobAndEveryComponent() {
    AppDeployment applied =
        apply(
            a -> {
              List<EnvVar> env = new ArrayList<>(a.getSpec().getEnv());
              for (int i = env.size(); i < 1000; i++) {
                env.add(new EnvVarBuilder().withName("VAR_" + i).withValue(UNICODE + i).build());
              }
              a.getSpec().setEnv(env);
            });
    assertThat(applied.getSpec().getEnv()).hasSize(1000);

    Awaits.phase(rig.world, "shop", Phase.Ready);
    Container migrate =
        rig.world.jobs().get(0).getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(migrate.getEnv()).hasSize(1000).contains(new EnvVar("VAR_999", UNICODE + 999, null));
    for (String deployment : List.of("shop-api", "shop-worker")) {
      Container app =
          rig.world.deployment(deployment).getSpec().getTemplate().getSpec().getContainers().get(0);
      assertThat(app.getEnv()).contains(new EnvVar("VAR_500", UNICODE + 500, null));
    }
    assertThat(rig.jobsCreated()).hasSize(1);
  }

  @Test
  void shellMetacharactersReachTheJobVerbatim() {
    List<String> command =
        List.of(
            "sh",
            "-c",
            "psql \"$DATABASE_URL\" -c 'select 1'; echo `id` $(whoami) && rm -rf /tmp/x || true"
                + " > /dev/null | cat; ${HOME:?} \\n \" ' * ? [a] ~ # !");
    apply(a -> a.getSpec().getMigration().setCommand(command));

    Awaits.phase(rig.world, "shop", Phase.Ready);
    Job job = rig.world.jobs().get(0);
    assertThat(job.getSpec().getTemplate().getSpec().getContainers().get(0).getCommand())
        .containsExactlyElementsOf(command);
  }

  @Test
  void tableNamesThatNeedQuotingOrCarrySqlAreValuesNeverSql() {
    String injection = "x'); DROP TABLE business; --";
    String quote = "a\"b";
    rig.world.kubelet.migrations(
        job -> {
          rig.world.sql(
              "CREATE TABLE IF NOT EXISTS business (id int);"
                  + " CREATE TABLE IF NOT EXISTS \"Order\" (\"Select\" int);"
                  + " CREATE INDEX IF NOT EXISTS \"Idx Order\" ON \"Order\" (\"Select\");");
          return Outcome.SUCCEED;
        });
    apply(
        a ->
            a.getSpec()
                .getSchema()
                .setTables(
                    List.of(
                        table("business", List.of(), List.of()),
                        table("Order", List.of("Select"), List.of("Idx Order")),
                        table(injection, List.of(), List.of()),
                        table(quote, List.of("'; SELECT pg_sleep(60); --"), List.of()))));

    AppDeployment failed = Awaits.phase(rig.world, "shop", Phase.Failed);
    assertThat(Awaits.reasonOf(failed, "SchemaVerified")).isEqualTo("SchemaOutdated");
    assertThat(failed.getStatus().getSchema().getMissingTables()).containsExactly(injection, quote);
    assertThat(failed.getStatus().getSchema().getMissingColumns()).isEmpty();
    assertThat(failed.getStatus().getSchema().getMissingIndexes()).isEmpty();
    rig.world.sqlAssert("SELECT 1 FROM pg_class WHERE relname = 'business'");
    rig.world.sqlAssert("SELECT 1 FROM pg_class WHERE relname = 'Order'");
    assertThat(Awaits.replicas(rig.world, "shop-api")).isZero();
  }

  @Test
  void aTableNameLongerThanPostgresAllowsStallsNamingTheField() {
    String tooLong = "ä".repeat(32); // 32 characters pass the CRD; 64 bytes do not fit PostgreSQL
    apply(a -> a.getSpec().getSchema().getTables().get(1).setName(tooLong));

    AppDeployment stalled = Awaits.reason(rig.world, "shop", "Stalled", "InvalidConfig");
    assertThat(Awaits.statusOf(stalled, "Stalled")).isEqualTo("True");
    assertThat(Awaits.messageOf(stalled, "Stalled"))
        .startsWith("spec.schema.tables[1].name")
        .contains("63 bytes")
        .doesNotContain(tooLong);
    assertThat(stalled.getStatus().getPhase()).isEqualTo(Phase.Failed);
    assertThat(rig.world.jobs()).isEmpty();
  }

  @Test
  void requirementsTooLargeForTheSchemaGateStallNamingTheField() {
    java.util.Random random = new java.util.Random(11); // incompressible names, fixed seed
    List<TableRequirement> tables = new java.util.ArrayList<>();
    for (int t = 0; t < 5000; t++) {
      List<String> columns = new java.util.ArrayList<>();
      for (int c = 0; c < 10; c++) {
        columns.add("c" + Long.toString(random.nextLong(), 36));
      }
      tables.add(table("t" + t + "_" + Long.toString(random.nextLong(), 36), columns, null));
    }
    apply(a -> a.getSpec().getSchema().setTables(tables));

    AppDeployment stalled = Awaits.reason(rig.world, "shop", "Stalled", "InvalidConfig");
    assertThat(Awaits.messageOf(stalled, "Stalled"))
        .startsWith("spec.schema: the schema gate's requirements take")
        .contains("spec.schemaGate.enabled=false");
    assertThat(rig.world.jobs()).isEmpty();
  }

  private static TableRequirement table(String name, List<String> columns, List<String> indexes) {
    TableRequirement table = new TableRequirement();
    table.setName(name);
    table.setColumns(columns);
    table.setIndexes(indexes);
    return table;
  }
}
