package dev.schemagate.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Migrations PostgreSQL runs outside a transaction (CREATE INDEX CONCURRENTLY), and runs that must
 * stop: the deadline cancels the running statement and the report says what it leaves and how to
 * repair it.
 */
class NonTransactionalMigrationTest {

  @TempDir java.nio.file.Path migrations;
  MigrateRun run;
  final ExecutorService background = Executors.newCachedThreadPool();

  @BeforeEach
  void fresh() {
    run = new MigrateRun(migrations);
  }

  @AfterEach
  void stopBackgroundAndCheckOutput() {
    background.shutdownNow();
    assertThat(run.output()).doesNotContain(MigrateRun.PASSWORD);
  }

  /**
   * The index is built while other sessions keep writing to the table in short transactions, as an
   * application does during a rollout: the build completes, valid, and the writers were never
   * blocked for long.
   */
  @Test
  void anIndexBuiltConcurrentlyCompletesUnderConcurrentWrites() throws Exception {
    run.file(
        "V1__poststats.sql",
        "CREATE TABLE poststats (id BIGSERIAL PRIMARY KEY, post INT, hits INT);\n"
            + "INSERT INTO poststats (post, hits) SELECT g % 1000, g FROM generate_series(1,"
            + " 200000) g;");
    assertThat(run.migrate()).as(run.output()).isZero();
    run.file(
        "V2__poststats_hits.sql",
        "CREATE INDEX CONCURRENTLY idx_poststats_hits ON poststats (post, hits);");
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicLong writes = new AtomicLong();
    Future<?> writer =
        background.submit(
            () -> {
              try (Connection c = run.admin();
                  Statement s = c.createStatement()) {
                while (writing.get()) {
                  s.execute(
                      "UPDATE "
                          + run.schema
                          + ".poststats SET hits = hits + 1 WHERE id = "
                          + (1 + writes.get() % 1000));
                  s.execute("INSERT INTO " + run.schema + ".poststats (post, hits) VALUES (1, 1)");
                  writes.incrementAndGet();
                }
              }
              return null;
            });
    await().atMost(Duration.ofSeconds(30)).until(() -> writes.get() > 100);
    long before = writes.get();

    int exit =
        Assertions.assertTimeoutPreemptively(
            Duration.ofSeconds(120), () -> run.migrate(), () -> "still waiting:\n" + run.output());
    long during = writes.get() - before;
    writing.set(false);
    writer.get();

    assertThat(exit).as(run.output()).isZero();
    assertThat(during).as("the writers went on while the index was built").isPositive();
    assertThat(run.indexValid("idx_poststats_hits")).isTrue();
    assertThat(run.history()).containsEntry("2", true);
    assertThat(run.output()).contains("applied V2 poststats hits (V2__poststats_hits.sql)");
  }

  @Test
  void aDeadlineStopsATransactionalMigrationWhichIsRolledBack() throws Exception {
    run.file("V1__a.sql", "CREATE TABLE a (id INT);");
    run.file("V2__slow.sql", "CREATE TABLE slow (id INT);\nSELECT pg_sleep(600);\n");
    long started = System.nanoTime();

    int exit = run.migrate("--deadline", "2");

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
    assertThat(exit).as(run.output()).isEqualTo(4);
    assertThat(run.output())
        .contains("⏹ stopping: its deadline of 2 s passed while applying V2 slow (V2__slow.sql)")
        .contains(
            "⏹ MIGRATION STOPPED: its deadline of 2 s passed, while applying V2 slow (V2__slow.sql,"
                + " line 2): canceling statement due to user request [SQL state 57014] in: SELECT"
                + " pg_sleep(600)")
        .contains("ran in a transaction, which was rolled back")
        .contains("(version 1)")
        .contains("raise migration.activeDeadlineSeconds");
    assertThat(run.history()).containsOnlyKeys("1");
    assertThat(run.column("SELECT to_regclass('" + run.schema + ".slow')::text"))
        .containsExactly((String) null);
    assertThat(
            run.column(
                "SELECT pid FROM pg_stat_activity WHERE query LIKE '%pg_sleep(600)%'"
                    + " AND pid <> pg_backend_pid()"))
        .isEmpty();
  }

  /**
   * An index build that cannot finish in time (a transaction left open elsewhere holds it back) is
   * stopped at the deadline: the index is left INVALID and the history records a failure; the
   * repair of docs/operations.md (drop the index, migrate --repair, migrate) completes it.
   */
  @Test
  void aStoppedIndexBuildIsReportedAndTheDocumentedRepairCompletesIt() throws Exception {
    run.file("V1__poststats.sql", "CREATE TABLE poststats (id INT, hits INT);");
    assertThat(run.migrate()).isZero();
    run.file(
        "V2__poststats_hits.sql",
        "CREATE INDEX CONCURRENTLY idx_poststats_hits ON poststats (hits);");
    int exit;
    try (Connection open = run.admin();
        Statement s = open.createStatement()) {
      open.setAutoCommit(false);
      s.execute("SELECT txid_current()"); // an open transaction: the build waits for it to end
      exit = run.migrate("--deadline", "3");
      open.rollback();
    }

    assertThat(exit).as(run.output()).isEqualTo(4);
    assertThat(run.output())
        .contains(
            "⏹ MIGRATION STOPPED: its deadline of 3 s passed, while applying V2 poststats hits"
                + " (V2__poststats_hits.sql, line 1)")
        .contains("in: CREATE INDEX CONCURRENTLY idx_poststats_hits ON poststats (hits)")
        .contains("ran outside a transaction")
        .contains("DROP INDEX CONCURRENTLY IF EXISTS")
        .contains("Repairing a failed non-transactional migration");
    assertThat(run.indexValid("idx_poststats_hits")).as("left INVALID").isFalse();

    run.out.getBuffer().setLength(0);
    assertThat(run.migrate()).as("refused until repaired").isEqualTo(1);
    assertThat(run.output()).contains("Repairing a failed non-transactional migration");

    run.exec("DROP INDEX CONCURRENTLY IF EXISTS " + run.schema + ".idx_poststats_hits");
    assertThat(run.migrate("--repair")).as(run.output()).isZero();
    assertThat(run.migrate()).as(run.output()).isZero();
    assertThat(run.indexValid("idx_poststats_hits")).isTrue();
    assertThat(run.history()).containsEntry("1", true).containsEntry("2", true);
  }
}
