package dev.schemagate.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import lombok.Data;

/** The schema gate: an init container that re-checks the schema whenever a component pod starts. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SchemaGateSpec {

  @Default("true")
  @JsonPropertyDescription(
      "Add the schema-gate init container to every component pod: it prints the masked boot"
          + " diagnostics and refuses to start the pod on an outdated schema.")
  private Boolean enabled;

  @JsonPropertyDescription("Compute resources of the schema-gate init container.")
  private ResourceRequirements resources;
}
