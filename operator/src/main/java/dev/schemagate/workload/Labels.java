package dev.schemagate.workload;

import dev.schemagate.api.AppDeployment;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The labels, annotations and owner reference of everything schemagate creates. */
public final class Labels {

  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String MANAGER = "schemagate";

  /** Selector of everything schemagate creates, for its informers. */
  public static final String MANAGED_SELECTOR = MANAGED_BY + "=" + MANAGER;

  /** Which AppDeployment an object belongs to: maps its pods to it (owned objects map by owner). */
  public static final String APPDEPLOYMENT = "schemagate.dev/appdeployment";

  public static final String COMPONENT = "schemagate.dev/component";
  public static final String REVISION = "schemagate.dev/revision";
  public static final String RETRY = "schemagate.dev/retry";
  public static final String TEMPLATE_HASH = "schemagate.dev/template-hash";
  static final String CONTRACT = "contract";

  private Labels() {}

  /** Labels of an object of {@code component} ("migration" for the Job). */
  public static Map<String, String> of(AppDeployment owner, String component) {
    Map<String, String> labels = new LinkedHashMap<>(selector(owner, component));
    labels.put("app.kubernetes.io/name", owner.getMetadata().getName());
    labels.put("app.kubernetes.io/instance", owner.getMetadata().getName());
    labels.put("app.kubernetes.io/component", component);
    labels.put(MANAGED_BY, MANAGER);
    return labels;
  }

  /**
   * Labels of the migration Job and its pods: no component label, so no component is confused with
   * it.
   */
  public static Map<String, String> ofMigration(AppDeployment owner) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(APPDEPLOYMENT, owner.getMetadata().getName());
    labels.put("app.kubernetes.io/name", owner.getMetadata().getName());
    labels.put("app.kubernetes.io/instance", owner.getMetadata().getName());
    labels.put("app.kubernetes.io/component", "migration");
    labels.put(MANAGED_BY, MANAGER);
    return labels;
  }

  /** Labels of the contract-phase Job and its pods: a migration Job of another kind. */
  public static Map<String, String> ofContract(AppDeployment owner) {
    Map<String, String> labels = ofMigration(owner);
    labels.put("app.kubernetes.io/component", CONTRACT);
    return labels;
  }

  /** A contract-phase Job (or its pod), not a migration Job. */
  public static boolean isContract(HasMetadata object) {
    Map<String, String> labels = object.getMetadata().getLabels();
    return labels != null && CONTRACT.equals(labels.get("app.kubernetes.io/component"));
  }

  /** The labels that select a component's pods; never changed after creation. */
  public static Map<String, String> selector(AppDeployment owner, String component) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(APPDEPLOYMENT, owner.getMetadata().getName());
    labels.put(COMPONENT, component);
    return labels;
  }

  /** Owned objects go away with the AppDeployment, by Kubernetes' garbage collection. */
  public static OwnerReference ownerReference(AppDeployment owner) {
    return new OwnerReferenceBuilder()
        .withApiVersion(owner.getApiVersion())
        .withKind(owner.getKind())
        .withName(owner.getMetadata().getName())
        .withUid(owner.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }

  /**
   * The object is this AppDeployment's: its controller owner reference carries the AppDeployment's
   * uid. Labels can be copied by anyone who may write the namespace; the uid cannot.
   */
  public static boolean isControlledBy(HasMetadata object, AppDeployment owner) {
    List<OwnerReference> references = object.getMetadata().getOwnerReferences();
    return references != null
        && references.stream()
            .anyMatch(
                r ->
                    Boolean.TRUE.equals(r.getController())
                        && java.util.Objects.equals(r.getUid(), owner.getMetadata().getUid()));
  }
}
