package dev.schemagate.migrate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Flyway's own environment variables ({@code FLYWAY_MIXED=true}, ...) are not read by {@code
 * schemagate migrate}: its settings come from the AppDeployment (the command's options), so that
 * what runs is what the revision says. A variable that looks like one is named with the field to
 * use instead, so that nobody believes it took effect (a pure function).
 */
final class FlywayEnvironment {

  /** Variable to the AppDeployment field that does its job. */
  private static final Map<String, String> FIELDS =
      Map.ofEntries(
          Map.entry("FLYWAY_BASELINE_ON_MIGRATE", "migration.flyway.baselineOnMigrate"),
          Map.entry("FLYWAY_BASELINE_VERSION", "migration.flyway.baselineVersion"),
          Map.entry("FLYWAY_PLACEHOLDER_REPLACEMENT", "migration.flyway.placeholders.enabled"),
          Map.entry("FLYWAY_PLACEHOLDER_PREFIX", "migration.flyway.placeholders.prefix"),
          Map.entry("FLYWAY_PLACEHOLDER_SUFFIX", "migration.flyway.placeholders.suffix"),
          Map.entry("FLYWAY_MIXED", "migration.flyway.mixed"),
          Map.entry("FLYWAY_ENCODING", "migration.flyway.encoding"),
          Map.entry(
              "FLYWAY_POSTGRESQL_TRANSACTIONAL_LOCK",
              "migration.flyway.postgresqlTransactionalLock"),
          Map.entry("FLYWAY_OUT_OF_ORDER", "migration.flyway.outOfOrder"),
          Map.entry("FLYWAY_TARGET", "migration.flyway.target"),
          Map.entry("FLYWAY_TABLE", "migration.flyway.table"),
          Map.entry(
              "FLYWAY_LOCATIONS", "migration.flyway.configMapRefs or migration.flyway.locations"),
          Map.entry("FLYWAY_SCHEMAS", "spec.database.schema"),
          Map.entry("FLYWAY_DEFAULT_SCHEMA", "spec.database.schema"));

  private FlywayEnvironment() {}

  /** One warning per {@code FLYWAY_*} variable set, in name order. */
  static List<String> ignored(Map<String, String> env) {
    List<String> warnings = new ArrayList<>();
    for (String name : new TreeMap<>(env).keySet()) {
      if (!name.startsWith("FLYWAY_")) {
        continue;
      }
      String instead;
      if (name.startsWith("FLYWAY_CLEAN")) {
        instead = "schemagate never runs clean (it drops every object of the schema)";
      } else if (name.startsWith("FLYWAY_PLACEHOLDERS_")) {
        instead = "set migration.flyway.placeholders.values";
      } else if (FIELDS.containsKey(name)) {
        instead = "set " + FIELDS.get(name);
      } else {
        instead = "it is not a setting schemagate offers (docs/api.md lists those it does)";
      }
      warnings.add("⚠️ " + name + " is ignored: Flyway reads no environment here; " + instead);
    }
    return warnings;
  }
}
