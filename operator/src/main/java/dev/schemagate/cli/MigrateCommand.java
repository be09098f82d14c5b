package dev.schemagate.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The Job of {@code migration.flyway}: runs Flyway SQL files from a mounted ConfigMap. */
@Command(
    name = "migrate",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Run Flyway SQL migrations (V<version>__<description>.sql) against the database in"
          + " DATABASE_URL.",
      "Not available in this version: use migration.command until it is."
    })
final class MigrateCommand implements Callable<Integer> {

  @Mixin LoggingOptions logging;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    logging.apply();
    spec.commandLine().getErr().println("schemagate migrate is not available in this version");
    return ExitCodes.NOT_AVAILABLE;
  }
}
