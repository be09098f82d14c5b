package dev.schemagate.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import lombok.Data;

/** What one component's Deployment runs now. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ComponentStatus {

  @JsonPropertyDescription("Component name.")
  private String name;

  @JsonPropertyDescription("Name of the component's Deployment.")
  private String deployment;

  @JsonPropertyDescription("Image the Deployment runs.")
  private String image;

  @JsonPropertyDescription("Replicas the Deployment asks for.")
  private Integer replicas;

  @JsonPropertyDescription("Ready replicas of the Deployment.")
  private Integer readyReplicas;
}
