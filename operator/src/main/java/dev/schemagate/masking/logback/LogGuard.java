package dev.schemagate.masking.logback;

import dev.schemagate.masking.Masker;
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

  /** An owner's values and the masker made of them alone, so a rebuild parses nothing again. */
  private record Known(List<String> values, Masker masker) {}

  private static final Map<String, Known> byOwner = new ConcurrentHashMap<>();
  private static volatile Masker masker = Masker.standard();

  private LogGuard() {}

  public static Masker masker() {
    return masker;
  }

  /**
   * Replaces the secret values known for {@code owner}. Only when they changed: the owner's values
   * are worked out (outside the lock) and the masker is rebuilt by merging every owner's, which
   * costs a set union rather than parsing every owner's connection URLs again.
   */
  public static void rememberSecrets(String owner, Collection<String> values) {
    List<String> copy = List.copyOf(values);
    Known known = byOwner.get(owner);
    if (known != null && known.values().equals(copy)) {
      return;
    }
    byOwner.put(owner, new Known(copy, Masker.withKnownSecrets(copy)));
    rebuild();
  }

  public static void forget(String owner) {
    if (byOwner.remove(owner) != null) {
      rebuild();
    }
  }

  private static synchronized void rebuild() {
    masker = Masker.combining(byOwner.values().stream().map(Known::masker).toList());
  }
}
