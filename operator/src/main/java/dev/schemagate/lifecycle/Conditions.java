package dev.schemagate.lifecycle;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Sets conditions the way Kubernetes tools expect: one entry per type, and {@code
 * lastTransitionTime} only moves when the condition's status really changes, so a reconcile that
 * changes nothing writes nothing.
 */
public final class Conditions {

  public static final String READY = "Ready";
  public static final String RECONCILING = "Reconciling";
  public static final String STALLED = "Stalled";
  public static final String MIGRATION_SUCCEEDED = "MigrationSucceeded";
  public static final String SCHEMA_VERIFIED = "SchemaVerified";
  public static final String DEPENDENCIES_READY = "DependenciesReady";
  public static final String AVAILABLE = "Available";
  public static final String SERVING_COMPATIBLE = "ServingRevisionCompatible";

  private Conditions() {}

  /** Returns a copy of {@code current} with the condition of {@code type} set as given. */
  public static List<Condition> set(
      List<Condition> current,
      String type,
      boolean status,
      String reason,
      String message,
      Long observedGeneration,
      Instant now) {
    String statusText = status ? "True" : "False";
    List<Condition> result = new ArrayList<>();
    Condition previous = null;
    for (Condition condition : current == null ? List.<Condition>of() : current) {
      if (type.equals(condition.getType())) {
        previous = condition;
      } else {
        result.add(condition);
      }
    }
    String lastTransition =
        previous != null && statusText.equals(previous.getStatus())
            ? previous.getLastTransitionTime()
            : now.toString();
    result.add(
        new ConditionBuilder()
            .withType(type)
            .withStatus(statusText)
            .withReason(reason)
            .withMessage(message)
            .withObservedGeneration(observedGeneration)
            .withLastTransitionTime(lastTransition)
            .build());
    result.sort((a, b) -> a.getType().compareTo(b.getType()));
    return result;
  }

  /** The condition of {@code type}, or null. */
  public static Condition find(List<Condition> conditions, String type) {
    if (conditions == null) {
      return null;
    }
    return conditions.stream()
        .filter(c -> Objects.equals(type, c.getType()))
        .findFirst()
        .orElse(null);
  }
}
