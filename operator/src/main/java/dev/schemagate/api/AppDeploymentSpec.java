package dev.schemagate.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import java.util.List;
import lombok.Data;

/** The desired state: one image, its migration, the schema it must produce, its components. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "!has(self.rollout) || !has(self.rollout.stopDuringMigration) ||"
            + " self.rollout.stopDuringMigration.all(n, self.components.exists(c, c.name == n))",
    message = "rollout.stopDuringMigration may only name components of spec.components",
    reason = "FieldValueInvalid")
@ValidationRule(
    value =
        "self.components.all(c, !has(c.after) || c.after.all(n, n != c.name &&"
            + " self.components.exists(d, d.name == n)))",
    message = "components[].after may only name other components of spec.components",
    reason = "FieldValueInvalid")
public class AppDeploymentSpec {

  @Required
  @Size(min = 1, max = 512)
  @JsonPropertyDescription(
      "Application image, used by the migration Job and every component. Part of the revision.")
  private String image;

  @Size(max = 16)
  @JsonPropertyDescription("Pull secrets for the image, for the migration Job and components.")
  private List<LocalObjectReference> imagePullSecrets;

  @Size(max = 1000)
  @JsonPropertyDescription(
      "Environment shared by the migration Job and all components. Part of the revision.")
  private List<EnvVar> env;

  @Size(max = 100)
  @JsonPropertyDescription(
      "Environment sources shared by the migration Job and all components. Part of the"
          + " revision.")
  private List<EnvFromSource> envFrom;

  @Required
  @JsonPropertyDescription("The database the operator connects to, to verify the schema.")
  private DatabaseSpec database;

  @JsonPropertyDescription("Optional Redis that must answer PING before components scale up.")
  private RedisSpec redis;

  @Required
  @JsonPropertyDescription(
      "The migration, run as a Job exactly once per revision. Exactly one of command and"
          + " flyway.")
  private MigrationSpec migration;

  @JsonPropertyDescription("Tables, columns, indexes and Flyway version that must exist.")
  private SchemaSpec schema;

  @Required
  @Size(min = 1, max = 32)
  @ValidationRule(
      value = "self.all(c, self.exists_one(d, d.name == c.name))",
      message = "component names must be unique",
      // FieldValueInvalid, not FieldValueDuplicate: with the latter the API server replaces this
      // message with a bare 'Duplicate value: "array"'.
      reason = "FieldValueInvalid")
  @JsonPropertyDescription("The application's workloads, each a Deployment of the image.")
  private List<ComponentSpec> components;

  @JsonPropertyDescription("What happens to running components while a revision migrates.")
  private RolloutSpec rollout;

  @JsonPropertyDescription(
      "Re-verification of the schema after a revision is verified: how often, and what a"
          + " drifted schema holds. Not part of the revision.")
  private DriftSpec drift;

  @JsonPropertyDescription("The schema-gate init container in every component pod.")
  private SchemaGateSpec schemaGate;

  @JsonPropertyDescription("Environment shown, masked, in the operator's and the gate's logs.")
  private DiagnosticsSpec diagnostics;

  @Default("false")
  @JsonPropertyDescription(
      "Stop acting: no Job is created and no Deployment is changed until set back to false.")
  private Boolean suspend;
}
