package dev.schemagate.env;

import dev.schemagate.masking.Masker;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The environment a container will get, each value with its origin, plus what could not be
 * resolved. Values from Secrets are remembered as such, so they can be masked and hidden wherever
 * they appear ({@link #masker()}).
 */
public final class ResolvedEnv {

  /**
   * Set on the schema-gate container: the comma-separated names of variables whose values come from
   * Secrets. Inside the pod a value no longer says where it came from, and a Secret's value with a
   * harmless-looking name must stay hidden there too.
   */
  public static final String SECRET_NAMES_VARIABLE = "SCHEMAGATE_SECRET_ENV_NAMES";

  private final Map<String, EnvValue> values;
  private final List<String> problems;

  ResolvedEnv(Map<String, EnvValue> values, List<String> problems) {
    this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    this.problems = List.copyOf(problems);
  }

  /**
   * The environment of this process (the schema gate at pod boot): variables named in {@value
   * #SECRET_NAMES_VARIABLE} count as values from Secrets, and so does any variable holding the same
   * (non-empty) value as one of them: a key of an {@code envFrom} Secret reaches the gate both
   * under its own name and under a listed one, since only the pod knows which source gave it.
   */
  public static ResolvedEnv fromProcess(Map<String, String> env) {
    Set<String> secretNames = new LinkedHashSet<>();
    String listed = env.get(SECRET_NAMES_VARIABLE);
    if (listed != null) {
      Arrays.stream(listed.split(",")).map(String::strip).forEach(secretNames::add);
    }
    Set<String> secretValues = new HashSet<>();
    for (String name : secretNames) {
      String value = env.get(name);
      if (value != null && !value.isEmpty()) {
        secretValues.add(value);
      }
    }
    Map<String, EnvValue> values = new LinkedHashMap<>();
    env.forEach(
        (name, value) ->
            values.put(
                name,
                EnvValue.of(value, secretNames.contains(name) || secretValues.contains(value))));
    return new ResolvedEnv(values, List.of());
  }

  public Optional<EnvValue> get(String name) {
    return Optional.ofNullable(values.get(name));
  }

  /** Name to value, in the order the container defines them. */
  public Map<String, EnvValue> values() {
    return values;
  }

  /** Why some values could not be resolved; each names field, object and key, never a value. */
  public List<String> problems() {
    return problems;
  }

  public boolean isComplete() {
    return problems.isEmpty();
  }

  /**
   * Names whose values came, entirely or partly, from Secrets: for {@value #SECRET_NAMES_VARIABLE}.
   */
  public Set<String> secretBackedNames() {
    Set<String> names = new LinkedHashSet<>();
    values.forEach(
        (name, value) -> {
          if (value.fromSecret()) {
            names.add(name);
          }
        });
    return names;
  }

  /** The values that came from Secrets, for {@link Masker#withKnownSecrets}. */
  public List<String> secretValues() {
    List<String> secrets = new ArrayList<>();
    values.values().stream()
        .filter(EnvValue::fromSecret)
        .map(EnvValue::value)
        .forEach(secrets::add);
    return secrets;
  }

  /** A masker that also hides this environment's Secret values wherever they appear. */
  public Masker masker() {
    return Masker.withKnownSecrets(secretValues());
  }

  /** Names and origins only. */
  @Override
  public String toString() {
    return "ResolvedEnv[names="
        + values.keySet()
        + ", fromSecrets="
        + secretBackedNames()
        + ", problems="
        + problems.size()
        + "]";
  }
}
