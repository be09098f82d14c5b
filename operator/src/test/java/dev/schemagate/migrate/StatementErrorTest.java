package dev.schemagate.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import org.flywaydb.core.api.FlywayException;
import org.junit.jupiter.api.Test;

/** Where a failure is, read from what Flyway throws. */
class StatementErrorTest {

  @Test
  void flywaysRefusalOfAMixedFileNamesItsLineAndStatement() {
    StatementError error =
        StatementError.of(
            new FlywayException(
                "Detected both transactional and non-transactional statements within the same"
                    + " migration (even though mixed is false). Offending statement found at line"
                    + " 3: CREATE INDEX CONCURRENTLY i ON t (x) [non-transactional]"),
            "V1__t.sql");

    assertThat(error.where()).isEqualTo("V1__t.sql, line 3");
    assertThat(error.statement()).isEqualTo("CREATE INDEX CONCURRENTLY i ON t (x)");
    assertThat(error.message())
        .isEqualTo(
            "Detected both transactional and non-transactional statements within the same"
                + " migration (even though mixed is false).");
  }

  @Test
  void aLongStatementIsCutOnOneLine() {
    String statement = "INSERT INTO t VALUES\n  (" + "1, ".repeat(500) + "1);";

    String cut = StatementError.cut(statement);

    assertThat(cut)
        .hasSize(StatementError.STATEMENT_LIMIT + 4)
        .endsWith(" ...")
        .doesNotContain("\n");
  }

  @Test
  void leadingCommentsAreNotPartOfTheStatement() {
    assertThat(StatementError.commentChars("-- why\n\n  -- and how\nUPDATE t SET x = 1"))
        .isEqualTo("-- why\n\n  -- and how\n".length());
    assertThat(StatementError.commentChars("UPDATE t SET x = 1 -- trailing")).isZero();
  }

  @Test
  void withNothingKnownTheWhereIsEmpty() {
    StatementError error = StatementError.of(new FlywayException("something else"), null);

    assertThat(error.where()).isEmpty();
    assertThat(error.text()).isEqualTo("something else");
  }
}
