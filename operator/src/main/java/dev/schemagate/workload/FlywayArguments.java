package dev.schemagate.workload;

import dev.schemagate.api.FlywayMigrationSpec;
import dev.schemagate.api.FlywayPlaceholdersSpec;
import dev.schemagate.migrate.FlywaySettings;
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
    return of(flyway, flyway.getTable());
  }

  /**
   * The options of the contract phase's Flyway SQL: its own history table, which does not exist on
   * the first run while the schema is not empty (the expand migrations made it). Unless the
   * AppDeployment asks for a baseline itself, Flyway records a baseline at version 0 there, so that
   * every contract migration, V1 on, runs instead of Flyway refusing the non-empty schema.
   */
  static List<String> ofContract(FlywayMigrationSpec flyway, String table) {
    List<String> args = of(flyway, table);
    if (!Boolean.TRUE.equals(flyway.getBaselineOnMigrate())) {
      args.addAll(
          List.of(
              FlywaySettings.BASELINE_ON_MIGRATE_OPTION,
              FlywaySettings.BASELINE_VERSION_OPTION,
              CONTRACT_BASELINE_VERSION));
    }
    return args;
  }

  /** The version of the contract history's baseline: below every migration's. */
  static final String CONTRACT_BASELINE_VERSION = "0";

  /**
   * @param table the history table to name, in place of {@code flyway.table} (the contract phase's
   *     has a default of its own); null for Flyway's default
   */
  static List<String> of(FlywayMigrationSpec flyway, String table) {
    List<String> args = new ArrayList<>();
    if (Boolean.TRUE.equals(flyway.getBaselineOnMigrate())) {
      args.add(FlywaySettings.BASELINE_ON_MIGRATE_OPTION);
      if (flyway.getBaselineVersion() != null) {
        args.addAll(List.of(FlywaySettings.BASELINE_VERSION_OPTION, flyway.getBaselineVersion()));
      }
    }
    FlywayPlaceholdersSpec placeholders = flyway.getPlaceholders();
    if (placeholders != null && Boolean.TRUE.equals(placeholders.getEnabled())) {
      args.add(FlywaySettings.PLACEHOLDERS_OPTION);
      Map<String, String> values =
          placeholders.getValues() == null ? Map.of() : new TreeMap<>(placeholders.getValues());
      values.forEach(
          (name, value) ->
              args.addAll(List.of(FlywaySettings.PLACEHOLDER_OPTION, name + "=" + value)));
      if (placeholders.getPrefix() != null) {
        args.addAll(List.of(FlywaySettings.PLACEHOLDER_PREFIX_OPTION, placeholders.getPrefix()));
      }
      if (placeholders.getSuffix() != null) {
        args.addAll(List.of(FlywaySettings.PLACEHOLDER_SUFFIX_OPTION, placeholders.getSuffix()));
      }
    }
    if (Boolean.TRUE.equals(flyway.getMixed())) {
      args.add(FlywaySettings.MIXED_OPTION);
    }
    if (flyway.getEncoding() != null) {
      args.addAll(List.of(FlywaySettings.ENCODING_OPTION, flyway.getEncoding()));
    }
    if (Boolean.TRUE.equals(flyway.getPostgresqlTransactionalLock())) {
      args.add(FlywaySettings.TRANSACTIONAL_LOCK_OPTION);
    }
    if (Boolean.TRUE.equals(flyway.getOutOfOrder())) {
      args.add(FlywaySettings.OUT_OF_ORDER_OPTION);
    }
    if (flyway.getTarget() != null) {
      args.addAll(List.of(FlywaySettings.TARGET_OPTION, flyway.getTarget()));
    }
    if (table != null) {
      args.addAll(List.of(FlywaySettings.TABLE_OPTION, table));
    }
    return args;
  }
}
