package dev.schemagate.schema;

import static dev.schemagate.testkit.TestPostgres.exec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.schema.SchemaRequirements.Table;
import dev.schemagate.testkit.TestPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Build a complete schema, drop a random subset of what the requirements name, and the report names
 * exactly that subset: dropped tables as tables, dropped columns and indexes of surviving tables as
 * columns and indexes, nothing else.
 */
class DroppedObjectsPropertyTest {

  static final List<String> TABLES =
      List.of("business", "leads", "Order", "we\"ird; t", "receipts");
  static final List<String> COLUMNS = List.of("id", "business_id", "Is Active", "x'y");
  static final List<String> INDEXES = List.of("by_key", "by\"key; --");

  /** Everything droppable, as "kind|table|name"; a table is "table|name|". */
  static List<String> objects() {
    List<String> objects = new ArrayList<>();
    for (String t : TABLES) {
      objects.add("table|" + t + "|");
      COLUMNS.forEach(c -> objects.add("column|" + t + "|" + c));
      INDEXES.forEach(i -> objects.add("index|" + t + "|" + i));
    }
    return objects;
  }

  @Provide
  Arbitrary<Set<String>> dropped() {
    return Arbitraries.of(objects()).set().ofMaxSize(12);
  }

  @Property(tries = 25)
  void exactlyTheDroppedObjectsAreReported(@ForAll("dropped") Set<String> dropped)
      throws SQLException {
    try (Connection admin = TestPostgres.admin(TestPostgres.shared())) {
      String schema = TestPostgres.freshSchema(admin, "dropped");
      createAll(admin);
      List<String> expectedTables = new ArrayList<>();
      Map<String, List<String>> expectedColumns = new LinkedHashMap<>();
      Map<String, List<String>> expectedIndexes = new LinkedHashMap<>();
      for (String object : objects()) {
        if (!dropped.contains(object)) {
          continue;
        }
        String[] parts = object.split("\\|", -1);
        String table = parts[1];
        if (dropped.contains("table|" + table + "|") && !parts[0].equals("table")) {
          continue; // the table is gone: its columns and indexes are not listed again
        }
        switch (parts[0]) {
          case "table" -> {
            exec(admin, "DROP TABLE " + quote(table));
            expectedTables.add(table);
          }
          case "column" -> {
            exec(admin, "ALTER TABLE " + quote(table) + " DROP COLUMN " + quote(parts[2]));
            expectedColumns.computeIfAbsent(table, t -> new ArrayList<>()).add(parts[2]);
          }
          default -> {
            exec(admin, "DROP INDEX " + quote(indexName(table, parts[2])));
            expectedIndexes
                .computeIfAbsent(table, t -> new ArrayList<>())
                .add(indexName(table, parts[2]));
          }
        }
      }

      SchemaReport report;
      try (Connection connection = TestPostgres.admin(TestPostgres.shared())) {
        report = SchemaVerifier.verify(connection, requirements(schema), Duration.ofSeconds(5));
      }

      assertThat(report.missingTables()).isEqualTo(expectedTables);
      assertThat(report.missingColumnsByTable()).isEqualTo(expectedColumns);
      assertThat(report.missingIndexesByTable()).isEqualTo(expectedIndexes);
      assertThat(report.verified()).isEqualTo(dropped.isEmpty());
    }
  }

  static SchemaRequirements requirements(String schema) {
    List<Table> tables = new ArrayList<>();
    for (String t : TABLES) {
      tables.add(Table.of(t, COLUMNS, INDEXES.stream().map(i -> indexName(t, i)).toList()));
    }
    return SchemaRequirements.of(schema, tables, null);
  }

  /** Index names are unique per schema, so each table's carry its name. */
  static String indexName(String table, String index) {
    return index + " " + table;
  }

  /**
   * Every table has the required columns plus {@code k}, which the indexes use: dropping a required
   * column then never takes an index with it.
   */
  static void createAll(Connection admin) throws SQLException {
    for (String t : TABLES) {
      List<String> columns = new ArrayList<>();
      COLUMNS.forEach(c -> columns.add(quote(c) + " INT"));
      columns.add("k INT");
      exec(admin, "CREATE TABLE " + quote(t) + " (" + String.join(", ", columns) + ")");
      for (String i : INDEXES) {
        exec(admin, "CREATE INDEX " + quote(indexName(t, i)) + " ON " + quote(t) + " (k)");
      }
    }
  }

  /** Test fixture quoting for the fixed names above (the verifier itself never quotes input). */
  static String quote(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }
}
