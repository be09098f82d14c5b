package dev.schemagate.env;

import dev.schemagate.masking.Masker;
import java.util.Objects;
import java.util.Optional;

/**
 * A value read from a Secret (or ConfigMap), or the reason it could not be read. Reasons name the
 * field, the object and the key, never a value: they are written to status and Events as they are.
 */
public final class Resolution {

  private final String value;
  private final String reason;

  private Resolution(String value, String reason) {
    this.value = value;
    this.reason = reason;
  }

  public static Resolution found(String value) {
    return new Resolution(Objects.requireNonNull(value, "value"), null);
  }

  public static Resolution missing(String reason) {
    return new Resolution(null, Objects.requireNonNull(reason, "reason"));
  }

  public boolean isFound() {
    return reason == null;
  }

  /**
   * @throws IllegalStateException with the reason as message when nothing was found
   */
  public String value() {
    if (reason != null) {
      throw new IllegalStateException(reason);
    }
    return value;
  }

  public Optional<String> asOptional() {
    return Optional.ofNullable(value);
  }

  /** Why nothing was found; null when a value was. */
  public String reason() {
    return reason;
  }

  /** The same failure with the field it concerns in front: {@code spec.x: <reason>}. */
  Resolution inField(String field) {
    return isFound() ? this : missing(field + ": " + reason);
  }

  /** Never shows the value. */
  @Override
  public String toString() {
    return isFound()
        ? "Resolution[found " + Masker.MASK + "]"
        : "Resolution[missing: " + reason + "]";
  }
}
