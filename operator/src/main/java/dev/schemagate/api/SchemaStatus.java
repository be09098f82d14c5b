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

  @JsonPropertyDescription("Required tables that do not exist.")
  private List<String> missingTables;

  @JsonPropertyDescription("Required columns that do not exist, as <table>.<column>.")
  private List<String> missingColumns;

  @JsonPropertyDescription("Required indexes that do not exist, as <table>.<index>.")
  private List<String> missingIndexes;

  @JsonPropertyDescription("Highest successful Flyway version in the history table.")
  private String flywayVersion;

  @JsonPropertyDescription("Flyway history entries with success=false, as <version> <script>.")
  private List<String> failedMigrations;

  @JsonPropertyDescription(
      "Human-readable report, e.g. Missing columns in calendar_routing_rules: [question_text].")
  private String message;
}
