package dev.schemagate.sandbox.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The harnesses run end to end at tiny sizes and print their figures; nothing is timed here. */
class BenchmarksSmokeTest {

  @Test
  void scaleHarnessPrintsItsFigures() {
    String out =
        run(
            new ScaleBenchmark(),
            "--apps=5",
            "--namespaces=2",
            "--simulators=1",
            "--steady-seconds=1",
            "--timeout-seconds=120");
    assertThat(out)
        .contains("all Ready: yes")
        .contains("operator requests to Ready")
        .contains("steady state")
        .contains("per reconcile");
  }

  @Test
  void schemaVerificationHarnessPrintsItsFigures() {
    String out =
        run(
            new SchemaVerificationBenchmark(),
            "--database-tables=20",
            "--required=5,10",
            "--runs=2");
    assertThat(out).contains("catalog query").containsPattern("(?m)^10\\s+\\d");
  }

  @Test
  void logGuardHarnessPrintsItsFigures() {
    String out = run(new LogGuardBenchmark(), "--owners=20", "--lines=10");
    assertThat(out)
        .contains("20 owners with distinct values remembered in")
        .contains("us (10 lines");
  }

  @Test
  void migrationSetHarnessPrintsItsFigures() {
    String out = run(new MigrationSetBenchmark(), "--files=6", "--runs=1");
    assertThat(out)
        .contains("migration-set: 6 files")
        .containsPattern("run 1: all 6 pending: exit 0, [0-9.]+ s, peak RSS [1-9][0-9]* MiB")
        .contains("again (none pending): exit 0");
  }

  private static String run(Object command, String... args) {
    PrintStream stdout = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      assertThat(new CommandLine(command).execute(args)).isZero();
    } finally {
      System.setOut(stdout);
    }
    String out = captured.toString(StandardCharsets.UTF_8);
    stdout.print(out);
    return out;
  }
}
