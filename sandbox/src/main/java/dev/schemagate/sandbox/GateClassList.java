package dev.schemagate.sandbox;

import dev.schemagate.cli.LogFormat;
import dev.schemagate.cli.Logging;
import dev.schemagate.masking.Masker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Writes the classes a passing schema-gate check loads ({@code -XX:DumpLoadedClassList}), from a
 * run against the demo's real PostgreSQL. The image build has no database: its training run only
 * takes the unreachable-database path, so {@code scripts/gate-cds-archive.sh} adds this list
 * ({@code scripts/gate-classes.lst}) to what its own run loaded, and the gate's archive covers the
 * driver's query path too.
 */
@Command(
    name = "gate-class-list",
    mixinStandardHelpOptions = true,
    description =
        "Runs check-schema against the demo's PostgreSQL and writes the classes it loaded, for"
            + " the schema gate's CDS archive.")
public final class GateClassList implements Callable<Integer> {

  /** Packages whose classes change with the code: what the list must keep up with. */
  private static final List<String> OWN = List.of("dev/schemagate/", "org/postgresql/");

  @Parameters(index = "0", description = "Where to write the list, e.g. scripts/gate-classes.lst")
  Path output;

  @Option(
      names = "--class-path",
      defaultValue = "${sys:java.class.path}",
      description =
          "Class path of the gate's JVM (operator/target/schemagate-all.jar, or this jar, which"
              + " holds the same classes). Default: this JVM's.")
  String classPath;

  public static void main(String[] args) {
    System.exit(new CommandLine(new GateClassList()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Logging.configure(LogFormat.text, "ERROR");
    try (Databases databases = Databases.start()) {
      write(databases, classPath, output);
    }
    System.out.printf("gate-class-list: %d classes in %s%n", classes(output).size(), output);
    return 0;
  }

  /** Runs a passing check in a new JVM on {@code classPath} and writes its class list. */
  public static void write(Databases databases, String classPath, Path output)
      throws IOException, InterruptedException {
    Files.deleteIfExists(output);
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:DumpLoadedClassList=" + output,
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-cp",
                classPath,
                "dev.schemagate.cli.SchemagateCli"));
    command.addAll(GateStartupBenchmark.GATE_ARGUMENTS);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(GateStartupBenchmark.gateEnvironment(databases));
    Process process = builder.start();
    String log = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0 || !Files.exists(output)) {
      throw new IllegalStateException(
          "the training check did not pass:\n" + Masker.standard().maskText(log));
    }
  }

  /** The classes of a list, without its comments and lambda lines. */
  public static Set<String> classes(Path list) throws IOException {
    Set<String> classes = new TreeSet<>();
    for (String line : Files.readAllLines(list)) {
      if (!line.isBlank() && !line.startsWith("#") && !line.startsWith("@")) {
        classes.add(line.split(" ", 2)[0]);
      }
    }
    return classes;
  }

  /** The classes of ours and of the driver: those that change when the code or driver does. */
  public static Set<String> ownClasses(Path list) throws IOException {
    Set<String> own = new TreeSet<>();
    for (String name : classes(list)) {
      if (OWN.stream().anyMatch(name::startsWith)) {
        own.add(name);
      }
    }
    return own;
  }
}
