package dev.schemagate.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Map;
import lombok.Data;

/** Flyway's placeholder replacement: off unless enabled. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "(has(self.enabled) && self.enabled) || (!has(self.values) && !has(self.prefix) &&"
            + " !has(self.suffix))",
    message = "migration.flyway.placeholders: values, prefix and suffix need enabled: true",
    reason = "FieldValueInvalid")
@ValidationRule(
    value = "!has(self.values) || self.values.all(k, k.matches('^[A-Za-z0-9_.-]{1,63}$'))",
    message =
        "migration.flyway.placeholders.values: names are letters, digits, '_', '.' or '-', at"
            + " most 63 characters",
    reason = "FieldValueInvalid")
public class FlywayPlaceholdersSpec {

  @Default("false")
  @JsonPropertyDescription(
      "Replace ${name} with its value (and Flyway's built-in ${flyway:...}); an unknown name"
          + " fails the migration.")
  private Boolean enabled;

  @Size(max = 100)
  @JsonPropertyDescription(
      "Placeholder names and their values. They appear in the migration Job's arguments: no"
          + " secrets.")
  private Map<String, String> values;

  @Size(min = 1, max = 16)
  @JsonPropertyDescription("What opens a placeholder (default ${).")
  private String prefix;

  @Size(min = 1, max = 16)
  @JsonPropertyDescription("What closes a placeholder (default }).")
  private String suffix;
}
