package dev.schemagate.cli;

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

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the CLI and returns its exit code; tests call this instead of {@link #main}. */
  public static int execute(String... args) {
    String[] effective = args.length == 0 ? new String[] {"operator"} : args;
    return new CommandLine(new SchemagateCli()).execute(effective);
  }

  @Override
  public void run() {
    // Only reached for "schemagate" with options but no subcommand, e.g. a mistyped flag order.
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand");
  }
}
