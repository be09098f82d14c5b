package dev.schemagate.cli;

import dev.schemagate.gate.GateEnvironment;
import dev.schemagate.gate.GateSettings;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The one executable jar: {@code schemagate [operator|migrate|check-schema]}. Without a subcommand
 * it runs the operator, which is what the container image does by default.
 */
@Command(
    name = "schemagate",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Runs an application's database migration once per revision, verifies the schema, and only"
          + " then rolls out the application's Deployments.",
      "Without a subcommand, runs the operator."
    },
    subcommands = {
      OperatorCommand.class,
      MigrateCommand.class,
      CheckSchemaCommand.class,
      CommandLine.HelpCommand.class
    })
public final class SchemagateCli implements Runnable {

  private static final String GATE = GateSettings.COMMAND;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the CLI and returns its exit code. */
  public static int execute(String... args) {
    return execute(
        new PrintWriter(System.out, true, StandardCharsets.UTF_8),
        new PrintWriter(System.err, true, StandardCharsets.UTF_8),
        args);
  }

  /** Runs the CLI with the given output streams; tests call this. */
  public static int execute(PrintWriter out, PrintWriter err, String... args) {
    String[] effective = args.length == 0 ? new String[] {"operator"} : args;
    if (effective[0].equals(GATE)) {
      // The schema gate starts with every app pod: building the model of the other subcommands
      // (the operator's options above all) would be a third of its start-up for nothing.
      return new CommandLine(new CheckSchemaCommand())
          .setCommandName("schemagate " + GATE)
          .setOut(out)
          .setErr(err)
          .execute(Arrays.copyOfRange(effective, 1, effective.length));
    }
    CommandLine commandLine = new CommandLine(new SchemagateCli()).setOut(out).setErr(err);
    return JsonUsageErrors.install(commandLine, effective, GateEnvironment.current())
        .execute(effective);
  }

  @Override
  public void run() {
    // Only reached for "schemagate" with options but no subcommand, e.g. a mistyped flag order.
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand");
  }
}
