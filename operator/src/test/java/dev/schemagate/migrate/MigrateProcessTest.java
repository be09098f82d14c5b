package dev.schemagate.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code schemagate migrate} as the Job runs it: a process of its own, with its real logging set-up
 * (Flyway's lines go through logback beside schemagate's) and real signals.
 */
class MigrateProcessTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path migrations;
  @TempDir Path work;
  MigrateRun run;
  Process process;

  @BeforeEach
  void fresh() {
    run = new MigrateRun(migrations);
  }

  @AfterEach
  void stopProcess() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
    }
  }

  Process start(String... extra) throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "dev.schemagate.cli.SchemagateCli"));
    command.addAll(run.args(extra));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("output.log").toFile());
    builder
        .environment()
        .keySet()
        .removeIf(k -> k.startsWith("SCHEMAGATE_") || k.startsWith("FLYWAY_"));
    builder.environment().putAll(run.env);
    process = builder.start();
    return process;
  }

  String output() throws IOException {
    return Files.readString(work.resolve("output.log"), StandardCharsets.UTF_8);
  }

  /**
   * The Job's pod is stopped (a node drained, the Job deleted) while a migration runs: the process
   * says which migration was running and what it leaves, cancels its statement on the server
   * instead of leaving it running there, and ends with SIGTERM's status.
   */
  @Test
  void sigtermDuringALongMigrationReportsItAndLeavesNothingRunningOnTheServer() throws Exception {
    run.file("V1__a.sql", "CREATE TABLE a (id INT);");
    run.file("V2__long.sql", "CREATE TABLE long_one (id INT);\nSELECT pg_sleep(601);\n");
    start();
    String sleeping =
        "SELECT pid FROM pg_stat_activity WHERE query LIKE '%pg_sleep(601)%' AND pid <>"
            + " pg_backend_pid()";
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> !run.column(sleeping).isEmpty() || !process.isAlive());
    assertThat(process.isAlive()).as(output()).isTrue();

    process.destroy(); // SIGTERM

    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(output()).isTrue();
    assertThat(process.exitValue()).isEqualTo(143);
    assertThat(output())
        .contains("⏹ stopping: SIGTERM received (the pod is being stopped) while applying V2 long")
        .contains(
            "⏹ MIGRATION STOPPED: SIGTERM received (the pod is being stopped), while applying V2"
                + " long (V2__long.sql, line 2)")
        .contains("ran in a transaction, which was rolled back")
        .doesNotContain(MigrateRun.PASSWORD);
    assertThat(run.column(sleeping)).as("the statement no longer runs on the server").isEmpty();
    assertThat(run.history()).containsOnlyKeys("1");
  }

  /**
   * With --log-format json every line is one JSON object: schemagate's progress, Flyway's own lines
   * and the failure, which names file, line and statement as fields too.
   */
  @Test
  void jsonOutputIsJsonOnEveryLineTheFailureIncluded() throws Exception {
    run.file("V1__a.sql", "CREATE TABLE a (id INT);");
    run.file("V2__b.sql", "CREATE TABLE b (id INT);");
    run.file(
        "V3__c.sql",
        "CREATE TABLE c (id INT);\n\nINSERT INTO c\n  SELECT id FROM schema_migrations;\n");
    start("--log-format", "json");

    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output()).isEqualTo(1);

    List<String> lines = output().lines().filter(l -> !l.isBlank()).toList();
    List<JsonNode> objects = new ArrayList<>();
    for (String line : lines) {
      objects.add(JSON.readTree(line)); // throws on a line that is not JSON
      assertThat(line).as("one object per line").startsWith("{").endsWith("}");
    }
    assertThat(objects)
        .anySatisfy(o -> assertThat(o.get("loggerName").asText()).startsWith("org.flywaydb"));
    JsonNode failure =
        objects.stream()
            .filter(o -> o.get("formattedMessage").asText().startsWith("❌ MIGRATION FAILED"))
            .findFirst()
            .orElseThrow();
    assertThat(failure.get("level").asText()).isEqualTo("ERROR");
    assertThat(failure.get("formattedMessage").asText())
        .contains("V3 c (V3__c.sql, line 3): relation \"schema_migrations\" does not exist");
    assertThat(failure.get("kvpList").toString())
        .contains("{\"file\":\"V3__c.sql\"}")
        .contains("{\"line\":3}")
        .contains("{\"statement\":\"INSERT INTO c SELECT id FROM schema_migrations\"}")
        .contains("{\"sqlState\":\"42P01\"}");
    assertThat(output())
        .doesNotContain("Executing Java callback")
        .doesNotContain(MigrateRun.PASSWORD);
  }
}
