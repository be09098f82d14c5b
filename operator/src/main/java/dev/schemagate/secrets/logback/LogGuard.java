package dev.schemagate.secrets.logback;

import dev.schemagate.secrets.Masker;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The masker the logging guards use. It knows the shapes secrets come in and, once the operator has
 * resolved Secrets, their exact values: so a careless {@code log.info("{}", value)} of a Secret's
 * value is hidden too.
 *
 * <p>Values are kept per owner (e.g. {@code namespace/name} of an AppDeployment) and replaced, not
 * accumulated, so rotated or deleted Secrets do not stay in memory for good.
 */
public final class LogGuard {

  private static final Map<String, List<String>> secretsByOwner = new ConcurrentHashMap<>();
  private static volatile Masker masker = Masker.standard();

  private LogGuard() {}

  public static Masker masker() {
    return masker;
  }

  /**
   * Replaces the secret values known for {@code owner}. Rebuilding the masker takes every owner's
   * values, so it happens only when this owner's values changed (not on every reconcile).
   */
  public static void rememberSecrets(String owner, Collection<String> values) {
    List<String> copy = List.copyOf(values);
    if (!copy.equals(secretsByOwner.put(owner, copy))) {
      rebuild();
    }
  }

  public static void forget(String owner) {
    secretsByOwner.remove(owner);
    rebuild();
  }

  private static synchronized void rebuild() {
    masker =
        Masker.withKnownSecrets(
            secretsByOwner.values().stream().flatMap(List::stream).distinct().toList());
  }
}
