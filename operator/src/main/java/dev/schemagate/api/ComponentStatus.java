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

  @JsonPropertyDescription("Revision of the pod template the Deployment runs.")
  private String revision;

  @JsonPropertyDescription("Ready replicas of the Deployment.")
  private Integer readyReplicas;

  @JsonPropertyDescription(
      "Replicas that run the Deployment's current pod template (status.updatedReplicas).")
  private Integer updatedReplicas;

  @JsonPropertyDescription(
      "Available replicas of the Deployment: ready for at least its minReadySeconds.")
  private Integer availableReplicas;

  @JsonPropertyDescription(
      "True when the Deployment has rolled its current pod template out completely, as"
          + " Kubernetes and kstatus judge it.")
  private Boolean rolledOut;

  @JsonPropertyDescription("What the rollout still waits for, e.g. Updated: 1/2.")
  private String message;
}
