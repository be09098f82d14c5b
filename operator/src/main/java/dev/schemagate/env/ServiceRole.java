package dev.schemagate.env;

import dev.schemagate.api.AppDeploymentSpec;
import dev.schemagate.api.ComponentSpec;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The SERVICE_ROLE rule in one place, for the Deployment builder and the diagnostics alike: a
 * component gets {@code SERVICE_ROLE=<role>} (role defaulting to the component's name) unless
 * {@code spec.env} or the component's {@code env} sets it. {@code envFrom} does not count: an
 * {@code env} entry always overrides {@code envFrom} in Kubernetes, so the injected value wins. The
 * injected entry goes first among the env entries, so that later ones may use {@code
 * $(SERVICE_ROLE)}.
 */
public final class ServiceRole {

  public static final String ENV_NAME = "SERVICE_ROLE";

  private ServiceRole() {}

  public static String of(ComponentSpec component) {
    String role = component.getRole();
    return role == null || role.isBlank() ? component.getName() : role;
  }

  public static boolean setByEnv(AppDeploymentSpec spec, ComponentSpec component) {
    return Stream.concat(entries(spec.getEnv()), entries(component.getEnv()))
        .anyMatch(e -> ENV_NAME.equals(e.getName()));
  }

  /** The entry to put first in the component's env, or empty when env sets SERVICE_ROLE. */
  public static Optional<EnvVar> injected(AppDeploymentSpec spec, ComponentSpec component) {
    if (setByEnv(spec, component)) {
      return Optional.empty();
    }
    return Optional.of(new EnvVar(ENV_NAME, of(component), null));
  }

  private static Stream<EnvVar> entries(List<EnvVar> env) {
    return env == null ? Stream.empty() : env.stream();
  }
}
