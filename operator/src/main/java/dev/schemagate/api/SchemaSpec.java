package dev.schemagate.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import java.util.List;
import lombok.Data;

/** What must exist in the database after the migration, before any component runs. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SchemaSpec {

  @Size(max = 5000)
  @JsonPropertyDescription(
      "Tables that must exist in database.schema, each with the columns and indexes listed.")
  private List<TableRequirement> tables;

  @JsonPropertyDescription(
      "Flyway history requirement: the history must reach this version with no failed entry.")
  private FlywayHistoryRequirement flyway;
}
