package dev.schemagate.sandbox;

import dev.schemagate.cli.LogFormat;
import dev.schemagate.cli.Logging;
import dev.schemagate.schema.SchemaRequirements;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Schema gate start-up: wall time and peak RSS of {@code java -jar schemagate-all.jar check-schema}
 * as the init container runs it (a fresh JVM per run), against {@code psql -c} on the same database
 * as a baseline. Needs /usr/bin/time and psql on the machine.
 */
@Command(
    name = "gate-startup",
    mixinStandardHelpOptions = true,
    description = "Measures check-schema start-up against psql on the demo's PostgreSQL.")
public final class GateStartupBenchmark implements Callable<Integer> {

  @Parameters(index = "0", description = "Path to operator/target/schemagate-all.jar")
  Path jar;

  @Option(
      names = "--runs",
      defaultValue = "20",
      description = "Runs of each. Default: ${DEFAULT-VALUE}.")
  int runs;

  @Option(
      names = "--java-option",
      description = "Extra JVM option for the gate, e.g. -XX:SharedArchiveFile=...")
  List<String> javaOptions = new ArrayList<>();

  public static void main(String[] args) {
    System.exit(new CommandLine(new GateStartupBenchmark()).execute(args));
  }

  /** The gate's command line after the class path: one attempt, the rest from the environment. */
  static final List<String> GATE_ARGUMENTS = List.of("check-schema", "--attempts", "1");

  /**
   * A database holding the demo's schema, and the gate's environment for it: its URL and
   * requirements (4 tables, 4 columns, 1 index) that it passes.
   */
  static Map<String, String> gateEnvironment(Databases databases) {
    String database = databases.createDatabase();
    databases.migrate(database, "/demo/migrate.sql");
    SchemaRequirements requirements =
        SchemaRequirements.fromJson(
            """
            {"schema":"public","tables":[{"name":"business"},{"name":"leads"},
            {"name":"business_calendars","columns":["id","business_id","is_active"],
             "indexes":["idx_business_calendars_business_active"]},
            {"name":"calendar_routing_rules","columns":["question_text"]}]}""");
    return Map.of(
        "DATABASE_URL",
        databases.url(database),
        "SCHEMAGATE_SCHEMA_REQUIREMENTS",
        requirements.toJson());
  }

  @Override
  public Integer call() throws Exception {
    Logging.configure(LogFormat.text, "ERROR");
    try (Databases databases = Databases.start()) {
      Map<String, String> gateEnv = gateEnvironment(databases);
      List<String> gate = new ArrayList<>(List.of("java"));
      gate.addAll(javaOptions);
      gate.addAll(List.of("-jar", jar.toString()));
      gate.addAll(GATE_ARGUMENTS);
      String query =
          "SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
              + " WHERE n.nspname = 'public' AND c.relname = ANY (ARRAY['business','leads','business_calendars','calendar_routing_rules'])";
      String url = gateEnv.get("DATABASE_URL");
      List<String> psql = List.of("psql", url.replaceFirst(":[^:@/]+@", "@"), "-qAt", "-c", query);
      report("check-schema (fresh JVM)", measure(gate, gateEnv));
      report("psql -c (same catalog query)", measure(psql, Map.of("PGPASSWORD", "unused")));
    }
    return 0;
  }

  private List<double[]> measure(List<String> command, Map<String, String> env)
      throws IOException, InterruptedException {
    List<double[]> samples = new ArrayList<>();
    for (int i = 0; i < runs + 2; i++) {
      Path stats = Files.createTempFile("time", ".txt");
      List<String> timed =
          new ArrayList<>(List.of("/usr/bin/time", "-f", "%e %M", "-o", stats.toString()));
      timed.addAll(command);
      ProcessBuilder builder = new ProcessBuilder(timed).redirectErrorStream(true);
      builder.environment().putAll(env);
      Process process = builder.start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (process.waitFor() != 0) {
        throw new IllegalStateException("failed: " + command.get(0) + "\n" + output);
      }
      String[] fields = Files.readString(stats).trim().split("\\s+");
      Files.delete(stats);
      if (i >= 2) { // two warm-up runs fill the page cache
        samples.add(
            new double[] {
              Double.parseDouble(fields[0]) * 1000, Double.parseDouble(fields[1]) / 1024
            });
      }
    }
    return samples;
  }

  private static void report(String what, List<double[]> samples) {
    List<Double> wall = new ArrayList<>();
    List<Double> rss = new ArrayList<>();
    samples.forEach(
        s -> {
          wall.add(s[0]);
          rss.add(s[1]);
        });
    Collections.sort(wall);
    Collections.sort(rss);
    System.out.printf(
        "%-30s wall ms p50 %.0f p90 %.0f max %.0f | peak RSS MiB p50 %.0f max %.0f (%d runs)%n",
        what,
        wall.get(wall.size() / 2),
        wall.get((int) (wall.size() * 0.9)),
        wall.get(wall.size() - 1),
        rss.get(rss.size() / 2),
        rss.get(rss.size() - 1),
        samples.size());
  }
}
