package dev.schemagate.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import lombok.Data;

/** A minimum Flyway schema version and a history free of failed migrations. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FlywayHistoryRequirement {

  @Pattern("^[0-9]+([._][0-9]+)*$")
  @JsonPropertyDescription(
      "Lowest successful Flyway version the history must reach, e.g. \"117\" or \"2.1\".")
  private String minVersion;

  @Default("flyway_schema_history")
  @Size(min = 1, max = 63)
  @JsonPropertyDescription("Name of the Flyway history table in database.schema.")
  private String table;
}
