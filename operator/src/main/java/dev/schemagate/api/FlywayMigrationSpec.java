package dev.schemagate.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import lombok.Data;

/** Flyway migrations shipped as SQL files in a ConfigMap. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FlywayMigrationSpec {

  @Required
  @JsonPropertyDescription(
      "ConfigMap whose keys are Flyway SQL files (V<version>__<description>.sql), mounted into the"
          + " migration Job.")
  private LocalObjectReference configMapRef;

  @Default("false")
  @JsonPropertyDescription(
      "Baseline an existing, non-empty schema that has no Flyway history yet, instead of"
          + " failing.")
  private Boolean baselineOnMigrate;

  @Pattern("^[0-9]+([._][0-9]+)*$")
  @JsonPropertyDescription("Version to baseline at when baselineOnMigrate applies (default 1).")
  private String baselineVersion;
}
