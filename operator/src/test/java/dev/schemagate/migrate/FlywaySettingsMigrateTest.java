package dev.schemagate.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Flyway settings a project can choose, each on a real PostgreSQL with files made here. */
class FlywaySettingsMigrateTest {

  @TempDir Path migrations;
  MigrateRun run;

  @BeforeEach
  void fresh() {
    run = new MigrateRun(migrations);
  }

  @AfterEach
  void passwordNeverPrinted() {
    assertThat(run.output()).doesNotContain(MigrateRun.PASSWORD);
  }

  @Test
  void placeholdersAreReplacedWhenAskedForWithTheirValuesAndDelimiters() throws Exception {
    run.file(
        "V1__greeting.sql",
        "CREATE TABLE greeting (owner text DEFAULT '${owner}', note text DEFAULT '%{note}%');");

    assertThat(
            run.migrate(
                "--placeholders",
                "--placeholder",
                "owner=shop",
                "--placeholder",
                "note=kept",
                "--placeholder-prefix",
                "%{",
                "--placeholder-suffix",
                "}%"))
        .as(run.output())
        .isZero();

    run.exec("INSERT INTO " + run.schema + ".greeting DEFAULT VALUES");
    assertThat(run.column("SELECT owner || '/' || note FROM " + run.schema + ".greeting"))
        .containsExactly("${owner}/kept");
  }

  @Test
  void placeholderValuesWithoutPlaceholdersOnAreAConfigurationError() throws Exception {
    run.file("V1__t.sql", "CREATE TABLE t (id INT);");

    assertThat(run.migrate("--placeholder", "owner=shop")).isEqualTo(3);

    assertThat(run.output())
        .contains("❌ Configuration error: --placeholder")
        .contains("--placeholders");
  }

  @Test
  void aLatin1FileRunsWithItsEncodingAndIsNamedWithoutIt() throws Exception {
    run.file(
        "V1__caf\u00e9.sql",
        "CREATE TABLE menu (item text DEFAULT 'caf\u00e9 cr\u00e8me');",
        StandardCharsets.ISO_8859_1);

    assertThat(run.migrate()).as(run.output()).isEqualTo(1);
    assertThat(run.output())
        .contains("V1__caf\u00e9.sql")
        .contains(
            "a file is not written in UTF-8: set its encoding with migration.flyway.encoding");

    run.out.getBuffer().setLength(0);
    assertThat(run.migrate("--encoding", "ISO-8859-1")).as(run.output()).isZero();
    run.exec("INSERT INTO " + run.schema + ".menu DEFAULT VALUES");
    assertThat(run.column("SELECT item FROM " + run.schema + ".menu"))
        .containsExactly("caf\u00e9 cr\u00e8me");
  }

  @Test
  void anUnknownEncodingIsAConfigurationError() throws Exception {
    run.file("V1__t.sql", "CREATE TABLE t (id INT);");

    assertThat(run.migrate("--encoding", "latin-42")).isEqualTo(3);
    assertThat(run.output()).contains("--encoding latin-42 is not an encoding");
  }

  @Test
  void aFileMixingAnIndexBuiltConcurrentlyWithOtherStatementsRunsWhenMixedIsAllowed()
      throws Exception {
    String mixed =
        "CREATE TABLE poststats (id INT, hits INT);\n"
            + "ALTER TABLE poststats ADD COLUMN views INT;\n"
            + "CREATE INDEX CONCURRENTLY idx_poststats_views ON poststats (views);\n";
    run.file("V1__poststats.sql", mixed);

    assertThat(run.migrate()).isEqualTo(1);
    assertThat(run.output())
        .contains("MIGRATION FAILED: V1 poststats (V1__poststats.sql, line 3)")
        .contains("in: CREATE INDEX CONCURRENTLY idx_poststats_views ON poststats (views)")
        .contains("migration.flyway.mixed: true");

    assertThat(run.migrate("--mixed")).as(run.output()).isZero();
    assertThat(run.indexValid("idx_poststats_views")).isTrue();
    assertThat(run.history()).containsEntry("1", true);
  }

  @Test
  void outOfOrderAppliesAMigrationBelowTheCurrentVersion() throws Exception {
    run.file("V1__a.sql", "CREATE TABLE a (id INT);");
    run.file("V3__c.sql", "CREATE TABLE c (id INT);");
    assertThat(run.migrate()).isZero();
    run.file("V2__b.sql", "CREATE TABLE b (id INT);");

    assertThat(run.migrate()).as("ignored without --out-of-order").isEqualTo(1);
    assertThat(run.migrate("--out-of-order")).as(run.output()).isZero();

    assertThat(run.history()).containsOnlyKeys("1", "3", "2");
  }

  @Test
  void targetStopsAtItsVersion() throws Exception {
    run.file("V1__a.sql", "CREATE TABLE a (id INT);");
    run.file("V2__b.sql", "CREATE TABLE b (id INT);");
    run.file("V3__c.sql", "CREATE TABLE c (id INT);");

    assertThat(run.migrate("--target", "2")).as(run.output()).isZero();

    assertThat(run.history()).containsOnlyKeys("1", "2");
    assertThat(run.output()).contains("schema now at version 2");
  }

  @Test
  void theHistoryTableTakesTheNameGiven() throws Exception {
    run.file("V1__a.sql", "CREATE TABLE a (id INT);");

    assertThat(run.migrate("--table", "schema_version")).as(run.output()).isZero();

    assertThat(run.history("schema_version")).containsEntry("1", true);
    assertThat(run.column("SELECT to_regclass('" + run.schema + ".flyway_schema_history')"))
        .containsExactly((String) null);
  }

  @Test
  void severalLocationsAreOneSet() throws Exception {
    Path second = Files.createDirectory(migrations.resolve("second"));
    run.file("V1__a.sql", "CREATE TABLE a (id INT);");
    Files.writeString(second.resolve("V2__b.sql"), "CREATE TABLE b (id INT);");

    assertThat(run.migrate("--location", second.toString())).as(run.output()).isZero();

    assertThat(run.history()).containsOnlyKeys("1", "2");
  }

  @Test
  void cleanIsNoOptionAndFlywayVariablesAreNamedAsIgnored() throws Exception {
    run.file("V1__a.sql", "CREATE TABLE a (id INT);");

    assertThat(run.migrate("--clean")).isEqualTo(3);
    assertThat(run.output()).contains("Unknown option: '--clean'");

    run.env.put("FLYWAY_MIXED", "true");
    run.env.put("FLYWAY_CLEAN_DISABLED", "false");
    run.env.put("FLYWAY_PASSWORD", "Flyway-env-pw-3310");
    assertThat(run.migrate()).as(run.output()).isZero();
    assertThat(run.output())
        .contains(
            "FLYWAY_MIXED is ignored: Flyway reads no environment here; set migration.flyway.mixed")
        .contains("FLYWAY_CLEAN_DISABLED is ignored")
        .contains("schemagate never runs clean")
        .contains("FLYWAY_PASSWORD is ignored")
        .doesNotContain("Flyway-env-pw-3310");
  }

  @Test
  void anInvalidTargetOrTableIsAConfigurationError() throws Exception {
    run.file("V1__a.sql", "CREATE TABLE a (id INT);");

    assertThat(run.migrate("--target", "latest; DROP")).isEqualTo(3);
    assertThat(run.migrate("--table", "x; DROP TABLE y")).isEqualTo(3);

    assertThat(run.output()).contains("--target").contains("--table");
  }
}
