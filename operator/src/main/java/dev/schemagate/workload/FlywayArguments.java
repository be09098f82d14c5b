package dev.schemagate.workload;

import dev.schemagate.api.FlywayMigrationSpec;
import dev.schemagate.api.FlywayPlaceholdersSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code schemagate migrate} options for the Flyway settings of {@code migration.flyway}: one
 * option per field that is set, nothing for a field left at its default, so that the command line
 * says only what the AppDeployment asked for.
 */
final class FlywayArguments {

  private FlywayArguments() {}

  static List<String> of(FlywayMigrationSpec flyway) {
    List<String> args = new ArrayList<>();
    if (Boolean.TRUE.equals(flyway.getBaselineOnMigrate())) {
      args.add("--baseline-on-migrate");
      if (flyway.getBaselineVersion() != null) {
        args.addAll(List.of("--baseline-version", flyway.getBaselineVersion()));
      }
    }
    FlywayPlaceholdersSpec placeholders = flyway.getPlaceholders();
    if (placeholders != null && Boolean.TRUE.equals(placeholders.getEnabled())) {
      args.add("--placeholders");
      Map<String, String> values =
          placeholders.getValues() == null ? Map.of() : new TreeMap<>(placeholders.getValues());
      values.forEach((name, value) -> args.addAll(List.of("--placeholder", name + "=" + value)));
      if (placeholders.getPrefix() != null) {
        args.addAll(List.of("--placeholder-prefix", placeholders.getPrefix()));
      }
      if (placeholders.getSuffix() != null) {
        args.addAll(List.of("--placeholder-suffix", placeholders.getSuffix()));
      }
    }
    if (Boolean.TRUE.equals(flyway.getMixed())) {
      args.add("--mixed");
    }
    if (flyway.getEncoding() != null) {
      args.addAll(List.of("--encoding", flyway.getEncoding()));
    }
    if (Boolean.TRUE.equals(flyway.getPostgresqlTransactionalLock())) {
      args.add("--postgresql-transactional-lock");
    }
    if (Boolean.TRUE.equals(flyway.getOutOfOrder())) {
      args.add("--out-of-order");
    }
    if (flyway.getTarget() != null) {
      args.addAll(List.of("--target", flyway.getTarget()));
    }
    if (flyway.getTable() != null) {
      args.addAll(List.of("--table", flyway.getTable()));
    }
    return args;
  }
}
