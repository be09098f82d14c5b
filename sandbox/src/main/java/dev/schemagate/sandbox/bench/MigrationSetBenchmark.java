package dev.schemagate.sandbox.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code schemagate migrate} on a large set of migrations, as the Job runs it: a process of its own
 * against a real PostgreSQL. Generates N files (tables, columns, indexes, rows, the shapes a
 * project's history accumulates), then measures the first run (all pending), a second run (nothing
 * pending: the validation of N files against N history rows) and the peak resident memory of each
 * process, read from {@code /proc/<pid>/status} (VmHWM) while it runs.
 */
@Command(
    name = "migration-set",
    mixinStandardHelpOptions = true,
    description =
        "Measures schemagate migrate on N generated migrations against a real PostgreSQL.")
public final class MigrationSetBenchmark implements Callable<Integer> {

  @Option(
      names = "--files",
      defaultValue = "831",
      description = "Migrations to generate. Default: ${DEFAULT-VALUE}.")
  int files;

  @Option(
      names = "--jvm-option",
      description = "An option for the migrate process's JVM, e.g. -Xmx128m; repeatable.")
  List<String> jvmOptions = new ArrayList<>();

  @Option(
      names = "--runs",
      defaultValue = "3",
      description =
          "Schemas migrated from scratch, one after the other. Default: ${DEFAULT-VALUE}.")
  int runs;

  public static void main(String[] args) {
    Harness.main(new MigrationSetBenchmark(), args);
  }

  /** The same shapes as the operator's LargeMigrationSetTest. */
  static String migration(int version) {
    int table = (version + 1) / 2;
    if (version % 2 == 1) {
      return "CREATE TABLE t"
          + table
          + " (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL, created_at TIMESTAMPTZ DEFAULT"
          + " now());\nCOMMENT ON TABLE t"
          + table
          + " IS 'table "
          + table
          + "';\n";
    }
    return "ALTER TABLE t"
        + table
        + " ADD COLUMN status TEXT;\nCREATE INDEX idx_t"
        + table
        + "_status ON t"
        + table
        + " (status);\nINSERT INTO t"
        + table
        + " (name, status) SELECT 'row ' || g, 'new' FROM generate_series(1, 20) g;\n";
  }

  record Measured(int exit, double seconds, long peakRssKiB, long lines) {}

  @Override
  public Integer call() throws Exception {
    Path dir = Files.createTempDirectory("migration-set");
    long bytes = 0;
    for (int v = 1; v <= files; v++) {
      String sql = migration(v);
      bytes += sql.length();
      Files.writeString(dir.resolve("V" + v + "__step_" + v + ".sql"), sql, StandardCharsets.UTF_8);
    }
    System.out.printf(
        "migration-set: %d files, %d KiB of SQL, migrate JVM options %s%n",
        files, bytes / 1024, jvmOptions);
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
      String url = "postgresql://postgres:bench@localhost:" + pg.getPort() + "/postgres";
      for (int run = 1; run <= runs; run++) {
        String schema = "bench_" + run;
        Measured first = migrate(dir, schema, url);
        Measured again = migrate(dir, schema, url);
        System.out.printf(
            "run %d: all %d pending: exit %d, %.1f s, peak RSS %d MiB, %d output lines;"
                + " again (none pending): exit %d, %.1f s, peak RSS %d MiB, %d lines%n",
            run,
            files,
            first.exit(),
            first.seconds(),
            first.peakRssKiB() / 1024,
            first.lines(),
            again.exit(),
            again.seconds(),
            again.peakRssKiB() / 1024,
            again.lines());
      }
    }
    return 0;
  }

  private Measured migrate(Path dir, String schema, String url)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            "dev.schemagate.cli.SchemagateCli",
            "migrate",
            "--location",
            dir.toString(),
            "--schema",
            schema));
    Path log = Files.createTempFile("migrate", ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("SCHEMAGATE_DATABASE_URL", url);
    long started = System.nanoTime();
    Process process = builder.start();
    long peak = 0;
    Path status = Path.of("/proc", String.valueOf(process.pid()), "status");
    while (!process.waitFor(20, TimeUnit.MILLISECONDS)) {
      peak = Math.max(peak, highWaterMark(status));
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    long lines;
    try (var stream = Files.lines(log)) {
      lines = stream.count();
    }
    Files.delete(log);
    return new Measured(process.exitValue(), seconds, peak, lines);
  }

  /** VmHWM in KiB, the process's peak resident set so far; 0 once it is gone. */
  private static long highWaterMark(Path status) {
    try {
      for (String line : Files.readAllLines(status)) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      // the process ended between two reads
    }
    return 0;
  }
}
