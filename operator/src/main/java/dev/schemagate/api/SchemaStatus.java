package dev.schemagate.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import lombok.Data;

/** The last schema verification: exactly what is missing, if anything. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SchemaStatus {

  @JsonPropertyDescription("Revision whose migration was verified.")
  private String revision;

  @JsonPropertyDescription(
      "Hash of what the verification ran against: spec.schema, spec.database, spec.redis and the"
          + " last migration Job that had finished. A change of any of them verifies again, without"
          + " a migration.")
  private String checkedFor;

  @JsonPropertyDescription("True when every required object exists.")
  private Boolean verified;

  @JsonPropertyDescription("When the schema was last checked (RFC 3339).")
  private String checkedAt;

  @JsonPropertyDescription(
      "Required tables that do not exist, in requirement order: the first 100 (then"
          + " missingTablesTotal counts them all).")
  private List<String> missingTables;

  @JsonPropertyDescription(
      "How many required tables do not exist; set only when there are more than missingTables"
          + " lists.")
  private Integer missingTablesTotal;

  @JsonPropertyDescription(
      "Required columns that do not exist, as <table>.<column>, in requirement order: the first"
          + " 100 (then missingColumnsTotal counts them all).")
  private List<String> missingColumns;

  @JsonPropertyDescription(
      "How many required columns do not exist; set only when there are more than"
          + " missingColumns lists.")
  private Integer missingColumnsTotal;

  @JsonPropertyDescription(
      "Required indexes that do not exist, as <table>.<index>, in requirement order: the first"
          + " 100 (then missingIndexesTotal counts them all).")
  private List<String> missingIndexes;

  @JsonPropertyDescription(
      "How many required indexes do not exist; set only when there are more than"
          + " missingIndexes lists.")
  private Integer missingIndexesTotal;

  @JsonPropertyDescription("Highest successful Flyway version in the history table.")
  private String flywayVersion;

  @JsonPropertyDescription(
      "Flyway history entries with success=false, as <version> <script>: the first 100 (then"
          + " failedMigrationsTotal counts them all).")
  private List<String> failedMigrations;

  @JsonPropertyDescription(
      "How many Flyway history entries have success=false; set only when there are more than"
          + " failedMigrations lists.")
  private Integer failedMigrationsTotal;

  @JsonPropertyDescription(
      "Human-readable report, e.g. Missing columns in calendar_routing_rules: [question_text]."
          + " Lists in it are cut after 20 items, the report after 4096 characters.")
  private String message;
}
