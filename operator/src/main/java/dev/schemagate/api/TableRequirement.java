package dev.schemagate.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;
import lombok.AllArgsConstructor;
import lombok.Data;
import lombok.NoArgsConstructor;

/** A table that must exist, with columns and indexes that must exist on it. */
@Data
@NoArgsConstructor
@AllArgsConstructor
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TableRequirement {

  @Required
  @Size(min = 1, max = 63)
  @JsonPropertyDescription(
      "Table name exactly as stored in the catalog (case-sensitive; no quoting needed).")
  private String name;

  @Size(max = 1600)
  @JsonPropertyDescription("Columns that must exist on the table.")
  private List<String> columns;

  @Size(max = 1000)
  @JsonPropertyDescription("Indexes that must exist on the table.")
  private List<String> indexes;
}
