package dev.schemagate.schema;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.schemagate.api.DatabaseSpec;
import dev.schemagate.api.FlywayHistoryRequirement;
import dev.schemagate.api.SchemaSpec;
import dev.schemagate.api.TableRequirement;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What must exist in one PostgreSQL schema: tables, their columns and indexes, and optionally a
 * Flyway history that reached a version without failures. Immutable; names are validated and
 * duplicates merged on construction, so every instance is one the verifier can check.
 *
 * <p>The operator builds it from the custom resource ({@link #from}); the schema-gate init
 * container gets the same requirements as JSON (env var or file) and reads them back with {@link
 * #fromJson}, so both sides check exactly the same thing. The JSON format:
 *
 * <pre>{@code
 * {
 *   "schema": "public",
 *   "tables": [
 *     {"name": "business"},
 *     {"name": "business_calendars",
 *      "columns": ["id", "business_id", "is_active"],
 *      "indexes": ["idx_business_calendars_business_active"]},
 *     {"name": "calendar_routing_rules", "columns": ["question_text"]}
 *   ],
 *   "flyway": {"table": "flyway_schema_history", "minVersion": "117"}
 * }
 * }</pre>
 *
 * <ul>
 *   <li>{@code schema}: the PostgreSQL schema (namespace) holding every table; default {@code
 *       public}. The connection's {@code search_path} plays no part.
 *   <li>{@code tables}: default empty. {@code columns} and {@code indexes} default to empty and are
 *       omitted from the output when empty (it may travel in an env var, so it is kept compact).
 *   <li>{@code flyway}: absent means no history check. {@code table} defaults to {@code
 *       flyway_schema_history} (in {@code schema}); without {@code minVersion} only failed entries
 *       are checked.
 *   <li>Every name is the exact catalog name: case-sensitive, unquoted ({@code Order}, not {@code
 *       "Order"}), 1 to 63 bytes of UTF-8 (PostgreSQL would silently cut longer names), no NUL.
 *   <li>Unknown properties are rejected, so a typo such as {@code "column"} cannot silently weaken
 *       the check.
 * </ul>
 *
 * <p>Invalid input raises {@link InvalidRequirementsException} naming the field.
 */
@JsonPropertyOrder({"schema", "tables", "flyway"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SchemaRequirements(String schema, List<Table> tables, Flyway flyway) {

  public static final String DEFAULT_SCHEMA = "public";
  public static final String DEFAULT_FLYWAY_TABLE = "flyway_schema_history";

  /** PostgreSQL's NAMEDATALEN - 1: longer identifiers are truncated by the server. */
  static final int MAX_NAME_BYTES = 63;

  private static final Pattern VERSION = Pattern.compile("[0-9]+([._][0-9]+)*");

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** A required table with the columns and indexes that must exist on it. */
  @JsonPropertyOrder({"name", "columns", "indexes"})
  public record Table(
      String name,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> columns,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> indexes) {

    public Table {
      columns = columns == null ? List.of() : List.copyOf(columns);
      indexes = indexes == null ? List.of() : List.copyOf(indexes);
    }

    public static Table of(String name, List<String> columns, List<String> indexes) {
      return new Table(name, columns, indexes);
    }

    public static Table named(String name) {
      return new Table(name, List.of(), List.of());
    }
  }

  /** The Flyway history check: table in the same schema, and the version it must reach. */
  @JsonPropertyOrder({"table", "minVersion"})
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Flyway(String table, String minVersion) {

    public Flyway {
      table = table == null ? DEFAULT_FLYWAY_TABLE : table;
    }
  }

  /**
   * Validates and normalises: null means default, duplicate tables are merged (their columns and
   * indexes united, first occurrence keeps its place), duplicate columns and indexes dropped.
   *
   * @throws InvalidRequirementsException naming the offending field
   */
  public SchemaRequirements {
    schema = schema == null ? DEFAULT_SCHEMA : schema;
    checkName("schema", schema);
    tables = merged(tables == null ? List.of() : tables);
    if (flyway != null) {
      checkName("flyway.table", flyway.table());
      if (flyway.minVersion() != null && !VERSION.matcher(flyway.minVersion()).matches()) {
        throw new InvalidRequirementsException(
            "flyway.minVersion", "must be digits separated by dots, e.g. 117 or 2.10");
      }
    }
  }

  public static SchemaRequirements of(String schema, List<Table> tables, Flyway flyway) {
    return new SchemaRequirements(schema, tables, flyway);
  }

  /**
   * The requirements of a custom resource: {@code spec.schema} checked in {@code
   * spec.database.schema}. Either may be null (no requirements, default schema). Errors name the
   * field in the custom resource, e.g. {@code spec.schema.tables[2].name}.
   */
  public static SchemaRequirements from(SchemaSpec spec, DatabaseSpec database) {
    String schema = database == null ? null : database.getSchema();
    List<Table> tables = new ArrayList<>();
    Flyway flyway = null;
    if (spec != null) {
      List<TableRequirement> required = spec.getTables() == null ? List.of() : spec.getTables();
      for (int i = 0; i < required.size(); i++) {
        TableRequirement table = required.get(i);
        if (table == null) {
          throw new InvalidRequirementsException("spec.schema.tables[" + i + "]", "must be set");
        }
        tables.add(new Table(table.getName(), table.getColumns(), table.getIndexes()));
      }
      FlywayHistoryRequirement history = spec.getFlyway();
      if (history != null) {
        flyway = new Flyway(history.getTable(), history.getMinVersion());
      }
    }
    try {
      return new SchemaRequirements(schema, tables, flyway);
    } catch (InvalidRequirementsException e) {
      String field =
          e.field().equals("schema") ? "spec.database.schema" : "spec.schema." + e.field();
      throw new InvalidRequirementsException(field, e.problem());
    }
  }

  /** Parses the documented JSON format. */
  public static SchemaRequirements fromJson(String json) {
    if (json == null || json.isBlank()) {
      throw new InvalidRequirementsException("(document)", "is empty");
    }
    JsonNode tree;
    try {
      tree = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      // Only the parser's own sentence: the location part could echo input back.
      throw new InvalidRequirementsException(
          "(document)", "is not JSON: " + e.getOriginalMessage());
    }
    try {
      SchemaRequirements parsed = JSON.treeToValue(tree, SchemaRequirements.class);
      if (parsed == null) {
        throw new InvalidRequirementsException("(document)", "must be a JSON object");
      }
      return parsed;
    } catch (JsonMappingException e) {
      if (e.getCause() instanceof InvalidRequirementsException invalid) {
        throw invalid;
      }
      if (e instanceof UnrecognizedPropertyException unknown) {
        // The path ends with the unknown property itself; name the object that holds it.
        List<JsonMappingException.Reference> holder =
            e.getPath().subList(0, e.getPath().size() - 1);
        throw new InvalidRequirementsException(
            path(holder), "has an unknown property \"" + unknown.getPropertyName() + "\"");
      }
      throw new InvalidRequirementsException(path(e.getPath()), "has the wrong type or shape");
    } catch (JsonProcessingException e) {
      // Only the parser's own sentence: the location part could echo input back.
      throw new InvalidRequirementsException(
          "(document)", "is not JSON: " + e.getOriginalMessage());
    }
  }

  /** The documented JSON format, defaults written out, tables in order. */
  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("requirements could not be written as JSON", e);
    }
  }

  /** Number of required columns over all tables. */
  public int columnCount() {
    return tables.stream().mapToInt(t -> t.columns().size()).sum();
  }

  /** Number of required indexes over all tables. */
  public int indexCount() {
    return tables.stream().mapToInt(t -> t.indexes().size()).sum();
  }

  private static List<Table> merged(List<Table> tables) {
    Map<String, Set<String>> columns = new LinkedHashMap<>();
    Map<String, Set<String>> indexes = new LinkedHashMap<>();
    for (int i = 0; i < tables.size(); i++) {
      Table table = tables.get(i);
      String at = "tables[" + i + "]";
      if (table == null) {
        throw new InvalidRequirementsException(at, "must be set");
      }
      checkName(at + ".name", table.name());
      checkNames(at + ".columns", table.columns());
      checkNames(at + ".indexes", table.indexes());
      columns.computeIfAbsent(table.name(), k -> new LinkedHashSet<>()).addAll(table.columns());
      indexes.computeIfAbsent(table.name(), k -> new LinkedHashSet<>()).addAll(table.indexes());
    }
    List<Table> result = new ArrayList<>(columns.size());
    columns.forEach(
        (name, cols) ->
            result.add(new Table(name, List.copyOf(cols), List.copyOf(indexes.get(name)))));
    return List.copyOf(result);
  }

  private static void checkNames(String field, List<String> names) {
    for (int i = 0; i < names.size(); i++) {
      checkName(field + "[" + i + "]", names.get(i));
    }
  }

  private static void checkName(String field, String name) {
    if (name == null || name.isEmpty()) {
      throw new InvalidRequirementsException(field, "must not be empty");
    }
    if (name.indexOf('\0') >= 0) {
      throw new InvalidRequirementsException(field, "must not contain NUL characters");
    }
    if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
      throw new InvalidRequirementsException(
          field, "is longer than 63 bytes, which PostgreSQL would truncate");
    }
  }

  private static String path(List<JsonMappingException.Reference> references) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference ref : references) {
      if (ref.getIndex() >= 0) {
        path.append('[').append(ref.getIndex()).append(']');
      } else if (ref.getFieldName() != null) {
        path.append(path.length() == 0 ? "" : ".").append(ref.getFieldName());
      }
    }
    return path.length() == 0 ? "(document)" : path.toString();
  }
}
