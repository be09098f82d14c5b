package dev.schemagate.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * Run an application image as several components, but only after the database migration for exactly
 * this image has succeeded and the schema it must produce is really there.
 *
 * <p>The name limits keep every derived name a valid DNS-1123 label of at most 63 characters: the
 * migration Job {@code <name>-migrate-<revision>} (revision: 10 characters) and the component
 * Deployments and Services {@code <name>-<component>}.
 */
@Group(AppDeployment.GROUP)
@Version(AppDeployment.VERSION)
@ShortNames("appd")
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase")
@AdditionalPrinterColumn(name = "Verified", jsonPath = ".status.verifiedRevision")
@AdditionalPrinterColumn(name = "Migration", jsonPath = ".status.migration.state")
@AdditionalPrinterColumn(
    name = "Schema",
    jsonPath = ".status.conditions[?(@.type==\"SchemaVerified\")].reason")
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.ready")
@AdditionalPrinterColumn(
    name = "Available",
    jsonPath = ".status.conditions[?(@.type==\"Available\")].status")
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
@ValidationRule(
    value = "size(self.metadata.name) <= " + AppDeployment.MAX_NAME_LENGTH,
    message =
        "metadata.name must be at most "
            + AppDeployment.MAX_NAME_LENGTH
            + " characters so that the Job name <name>-migrate-<revision> fits in 63",
    reason = "FieldValueInvalid")
@ValidationRule(
    value =
        "!has(self.spec) || !has(self.spec.components) ||"
            + " self.spec.components.all(c, size(self.metadata.name) + 1 + size(c.name) <= 63)",
    message =
        "metadata.name plus '-' plus each component name must be at most 63 characters"
            + " (the Deployment and Service name <name>-<component>)",
    reason = "FieldValueInvalid")
@ValidationRule(
    value =
        "!has(self.spec) || !has(self.spec.components) ||"
            + " !self.spec.components.exists(c, has(c.service)) ||"
            + " self.metadata.name.matches('^[a-z]')",
    message =
        "metadata.name must start with a letter when a component has a service: Service names"
            + " are DNS-1035 labels",
    reason = "FieldValueInvalid")
public class AppDeployment extends CustomResource<AppDeploymentSpec, AppDeploymentStatus>
    implements Namespaced {

  public static final String GROUP = "schemagate.dev";
  public static final String VERSION = "v1alpha1";

  /** 63 minus "-migrate-" (9) minus the 10-character revision. */
  public static final int MAX_NAME_LENGTH = 44;
}
