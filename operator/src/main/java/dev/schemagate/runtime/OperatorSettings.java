package dev.schemagate.runtime;

import java.util.List;
import java.util.Objects;

/**
 * How the operator runs, from flags or environment.
 *
 * @param namespaces namespaces to watch; empty means all
 * @param reconcileThreads AppDeployments reconciled concurrently
 */
public record OperatorSettings(List<String> namespaces, int reconcileThreads) {

  public OperatorSettings {
    namespaces =
        namespaces == null
            ? List.of()
            : namespaces.stream().map(String::trim).filter(n -> !n.isEmpty()).toList();
    if (reconcileThreads < 1) {
      throw new IllegalArgumentException(
          "reconcile threads must be at least 1, got " + reconcileThreads);
    }
    Objects.requireNonNull(namespaces);
  }

  public static OperatorSettings defaults() {
    return new OperatorSettings(List.of(), 10);
  }

  public boolean watchesAllNamespaces() {
    return namespaces.isEmpty();
  }
}
