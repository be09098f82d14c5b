package dev.schemagate.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Migration sets of the size real projects have, and failures deep inside large files. */
class LargeMigrationSetTest {

  static final int FILES = 400;

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

  /** Tables, columns, indexes and data, as a project's history accumulates them. */
  static String migration(int version) {
    int table = (version + 1) / 2;
    if (version % 2 == 1) {
      return "CREATE TABLE t"
          + table
          + " (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL, created_at TIMESTAMPTZ DEFAULT now());\n"
          + "COMMENT ON TABLE t"
          + table
          + " IS 'table "
          + table
          + "';\n";
    }
    return "ALTER TABLE t"
        + table
        + " ADD COLUMN status TEXT;\n"
        + "CREATE INDEX idx_t"
        + table
        + "_status ON t"
        + table
        + " (status);\n"
        + "INSERT INTO t"
        + table
        + " (name, status) SELECT 'row ' || g, 'new' FROM generate_series(1, 20) g;\n";
  }

  @Test
  void severalHundredMigrationsApplyWithOneLineEachAndASummaryThenRunAgainAsANoOp()
      throws Exception {
    for (int v = 1; v <= FILES; v++) {
      run.file("V" + v + "__step_" + v + ".sql", migration(v));
    }

    assertThat(run.migrate()).as(run.output()).isZero();

    String text = run.out.toString();
    assertThat(text.lines().filter(l -> l.startsWith("   applied V")).count()).isEqualTo(FILES);
    assertThat(text.lines().count()).isEqualTo(FILES + 4L);
    assertThat(text)
        .containsPattern(
            "applied " + FILES + " migrations in \\d+ ms, schema now at version " + FILES);
    assertThat(run.history()).hasSize(FILES).doesNotContainValue(false);
    // numeric order, not text order: V10 after V9
    assertThat(text.indexOf("applied V9 ")).isLessThan(text.indexOf("applied V10 "));

    run.out.getBuffer().setLength(0);
    assertThat(run.migrate()).isZero();
    assertThat(run.out.toString())
        .contains("schema is up to date (version " + FILES + ")")
        .doesNotContain("applied V");
  }

  @Test
  void aFailureInTheMiddleOfALargeFileNamesItsLineAndStatement() throws Exception {
    StringBuilder sql = new StringBuilder("CREATE TABLE events (id INT, payload TEXT);\n");
    int line = 1;
    for (int i = 0; i < 300; i++) {
      sql.append("INSERT INTO events VALUES (")
          .append(i)
          .append(", 'payload ")
          .append(i)
          .append("');\n");
      line++;
    }
    sql.append("-- the statement that fails starts on the next line\n");
    line++;
    int failing = line + 1; // the UPDATE, below its comment
    sql.append("UPDATE schema_migrations\n   SET dirty = false\n WHERE version = 300;\n");
    for (int i = 300; i < 600; i++) {
      sql.append("INSERT INTO events VALUES (")
          .append(i)
          .append(", 'payload ")
          .append(i)
          .append("');\n");
    }
    assertThat(sql.length()).isGreaterThan(10_000);
    run.file("V1__events.sql", sql.toString());

    assertThat(run.migrate()).isEqualTo(1);

    assertThat(run.out.toString())
        .contains(
            "❌ MIGRATION FAILED: V1 events (V1__events.sql, line "
                + failing
                + "): relation \"schema_migrations\" does not exist, at character 8 of the"
                + " statement [SQL state 42P01] in: UPDATE schema_migrations SET dirty = false"
                + " WHERE version = 300")
        .contains("rolled back");
    assertThat(run.column("SELECT to_regclass('" + run.schema + ".events')::text"))
        .containsExactly((String) null);
  }

  @Test
  void aLongStatementIsCutAndASecretItEchoesIsMasked() throws Exception {
    String filler = "x".repeat(2_000);
    run.file(
        "V1__cast.sql", "SELECT '" + MigrateRun.PASSWORD + "'::int, '" + filler + "' AS filler;\n");

    assertThat(run.migrate()).isEqualTo(1);

    String failure =
        run.out
            .toString()
            .lines()
            .filter(l -> l.contains("MIGRATION FAILED"))
            .findFirst()
            .orElseThrow();
    assertThat(failure)
        .contains("V1__cast.sql, line 1")
        .contains("invalid input syntax for type integer")
        .contains("***")
        .endsWith(" ...");
    assertThat(failure.length()).isLessThan(StatementError.STATEMENT_LIMIT + 300);
  }

  @Test
  void aFailingStatementThatSetsARolesPasswordIsShownWithoutIt() throws Exception {
    run.file(
        "V1__roles.sql",
        "CREATE ROLE app_reader_x LOGIN PASSWORD 'Role-pw-7731' IN ROLE no_such_role_x;\n");

    assertThat(run.migrate()).isEqualTo(1);

    assertThat(run.out.toString())
        .contains("V1__roles.sql, line 1): role \"no_such_role_x\" does not exist")
        .contains("in: CREATE ROLE app_reader_x LOGIN PASSWORD '***' IN ROLE no_such_role_x")
        .doesNotContain("Role-pw-7731");
  }
}
