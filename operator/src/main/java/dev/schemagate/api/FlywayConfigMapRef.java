package dev.schemagate.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import lombok.Data;

/**
 * A ConfigMap of SQL files, by name. Its own type rather than Kubernetes' LocalObjectReference so
 * that the name has a bounded length: the API server refuses a CEL rule over a list of unbounded
 * strings (the uniqueness of configMapRefs) as too costly.
 */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FlywayConfigMapRef {

  @Required
  @Size(min = 1, max = 253)
  @Pattern("^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")
  @JsonPropertyDescription("Name of the ConfigMap, in the AppDeployment's namespace.")
  private String name;
}
