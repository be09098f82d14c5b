package dev.schemagate.migration.flyway;

import java.util.function.Consumer;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;

/** One line before and one after each migration Flyway runs. */
final class ProgressCallback implements Callback {

  private final Consumer<String> print;
  private long started;

  ProgressCallback(Consumer<String> print) {
    this.print = print;
  }

  @Override
  public boolean supports(Event event, Context context) {
    return event == Event.BEFORE_EACH_MIGRATE || event == Event.AFTER_EACH_MIGRATE;
  }

  @Override
  public boolean canHandleInTransaction(Event event, Context context) {
    return true;
  }

  @Override
  public void handle(Event event, Context context) {
    MigrationInfo migration = context.getMigrationInfo();
    if (event == Event.BEFORE_EACH_MIGRATE) {
      started = System.nanoTime();
      print.accept("   applying " + FlywayMigration.name(migration) + " ...");
    } else {
      long millis = (System.nanoTime() - started) / 1_000_000;
      print.accept("   applied in " + millis + " ms");
    }
  }

  @Override
  public String getCallbackName() {
    return "schemagate-progress";
  }
}
