package dev.schemagate.schema;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The verdict on a Flyway history table: its highest successful version, its failed entries, and
 * whether the required version is reached. Pure: {@link #evaluate} works on rows already read.
 *
 * @param table the history table's name as required (unquoted)
 * @param tableFound false when no such table exists in the schema
 * @param highestVersion highest version applied successfully, null when there is none
 * @param failedMigrations entries with {@code success = false}, as {@code <version> <script>}
 * @param minVersion the version the history must reach, null when only failures matter
 */
public record FlywayCheck(
    String table,
    boolean tableFound,
    String highestVersion,
    List<String> failedMigrations,
    String minVersion) {

  /** One row of the history table, as far as the check needs it. */
  public record Entry(String version, String script, boolean success, String type) {}

  public FlywayCheck {
    failedMigrations = failedMigrations == null ? List.of() : List.copyOf(failedMigrations);
  }

  /** The table does not exist in the schema: nothing was ever migrated there by Flyway. */
  public static FlywayCheck tableMissing(String table, String minVersion) {
    return new FlywayCheck(table, false, null, List.of(), minVersion);
  }

  /**
   * Reads the verdict from history rows in {@code installed_rank} order. Versions marked deleted by
   * {@code flyway repair} (type {@code DELETE}) no longer count as applied; repeatable migrations
   * (no version) count only when they failed.
   */
  public static FlywayCheck evaluate(String table, String minVersion, List<Entry> entries) {
    Set<String> deleted = new HashSet<>();
    for (Entry entry : entries) {
      if ("DELETE".equals(entry.type()) && entry.version() != null) {
        deleted.add(entry.version());
      }
    }
    List<String> failed = new ArrayList<>();
    FlywayVersion highest = null;
    for (Entry entry : entries) {
      if ("DELETE".equals(entry.type())) {
        continue;
      }
      if (!entry.success()) {
        String version = entry.version() == null ? "repeatable" : entry.version();
        failed.add(version + " " + entry.script());
      } else if (entry.version() != null && !deleted.contains(entry.version())) {
        FlywayVersion v = FlywayVersion.parse(entry.version()).orElse(null);
        if (v != null && (highest == null || v.compareTo(highest) > 0)) {
          highest = v;
        }
      }
    }
    return new FlywayCheck(
        table, true, highest == null ? null : highest.toString(), failed, minVersion);
  }

  /** True when there is no minimum, or the highest successful version is at least the minimum. */
  public boolean minVersionReached() {
    if (!tableFound) {
      return false;
    }
    if (minVersion == null) {
      return true;
    }
    return FlywayVersion.parse(highestVersion)
        .flatMap(h -> FlywayVersion.parse(minVersion).map(m -> h.compareTo(m) >= 0))
        .orElse(false);
  }

  /** The history table exists, reached the minimum and has no failed entry. */
  public boolean passed() {
    return tableFound && failedMigrations.isEmpty() && minVersionReached();
  }

  /** What is wrong, in the words of the report; null when {@link #passed()}. */
  public String problem() {
    if (!tableFound) {
      return "Flyway history table " + table + " not found";
    }
    List<String> problems = new ArrayList<>();
    if (!failedMigrations.isEmpty()) {
      problems.add("Failed Flyway migrations: " + ReportText.list(failedMigrations));
    }
    if (!minVersionReached()) {
      problems.add(
          highestVersion == null
              ? "Flyway history has no successful migration, needs " + minVersion
              : "Flyway history at " + highestVersion + ", needs " + minVersion);
    }
    return problems.isEmpty() ? null : String.join("; ", problems);
  }
}
