package dev.schemagate.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The schema gate: prints masked boot diagnostics and checks the required schema exists. */
@Command(
    name = "check-schema",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Check that the tables, columns and indexes an application needs exist in the database in"
          + " DATABASE_URL; exit 1 with \"DB schema outdated, run migrate\" when they do not.",
      "Not available in this version."
    })
final class CheckSchemaCommand implements Callable<Integer> {

  @Mixin LoggingOptions logging;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    logging.apply();
    spec.commandLine().getErr().println("schemagate check-schema is not available in this version");
    return ExitCodes.NOT_AVAILABLE;
  }
}
