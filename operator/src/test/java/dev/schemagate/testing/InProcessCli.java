package dev.schemagate.testing;

import dev.schemagate.cli.SchemagateCli;
import dev.schemagate.gate.GateEnvironment;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/**
 * The schemagate command line in-process, as a {@link dev.schemagate.testkit.JobRunner}'s entry
 * point: what a container running the image would do, with the container's environment in place of
 * the process's.
 */
public final class InProcessCli {

  private InProcessCli() {}

  public static int run(List<String> args, Map<String, String> environment, PrintWriter out) {
    try (var env = GateEnvironment.override(environment)) {
      return SchemagateCli.execute(out, out, args.toArray(String[]::new));
    }
  }
}
