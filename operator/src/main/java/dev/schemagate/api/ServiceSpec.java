package dev.schemagate.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.IntOrString;
import lombok.Data;

/** A ClusterIP Service for a component. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ServiceSpec {

  @Required
  @Min(1)
  @Max(65535)
  @JsonPropertyDescription("Port the Service listens on.")
  private Integer port;

  @JsonPropertyDescription(
      "Container port number or name the Service forwards to; defaults to port.")
  private IntOrString targetPort;
}
