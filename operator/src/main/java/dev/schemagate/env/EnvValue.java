package dev.schemagate.env;

import dev.schemagate.masking.Masker;
import java.util.Objects;

/**
 * The value of one environment variable as the container will see it, and where it came from.
 * Values only known inside the pod (the pod's name, its IP, resource limits) have no value here,
 * only a description of their source.
 */
public final class EnvValue {

  private final String value;
  private final boolean fromSecret;
  private final String runtimeSource;

  private EnvValue(String value, boolean fromSecret, String runtimeSource) {
    this.value = value;
    this.fromSecret = fromSecret;
    this.runtimeSource = runtimeSource;
  }

  public static EnvValue literal(String value) {
    return new EnvValue(Objects.requireNonNull(value), false, null);
  }

  public static EnvValue fromSecret(String value) {
    return new EnvValue(Objects.requireNonNull(value), true, null);
  }

  public static EnvValue of(String value, boolean fromSecret) {
    return new EnvValue(Objects.requireNonNull(value), fromSecret, null);
  }

  /**
   * @param source e.g. {@code fieldRef status.podIP}
   */
  public static EnvValue atRuntime(String source) {
    return new EnvValue(null, false, Objects.requireNonNull(source));
  }

  /** The value; null when only the pod knows it ({@link #isRuntime()}). */
  public String value() {
    return value;
  }

  /** True when the value, or a part of it, was read from a Secret. */
  public boolean fromSecret() {
    return fromSecret;
  }

  public boolean isRuntime() {
    return runtimeSource != null;
  }

  /** Where a runtime value comes from; null for values known here. */
  public String runtimeSource() {
    return runtimeSource;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EnvValue e
        && Objects.equals(value, e.value)
        && fromSecret == e.fromSecret
        && Objects.equals(runtimeSource, e.runtimeSource);
  }

  @Override
  public int hashCode() {
    return Objects.hash(value, fromSecret, runtimeSource);
  }

  /** Never shows a value from a Secret; other values pass the standard masker. */
  @Override
  public String toString() {
    if (isRuntime()) {
      return "EnvValue[at runtime from " + runtimeSource + "]";
    }
    return fromSecret
        ? "EnvValue[from Secret " + Masker.MASK + "]"
        : "EnvValue[" + Masker.standard().maskText(value) + "]";
  }
}
