package dev.schemagate.env;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.AppDeploymentSpec;
import dev.schemagate.api.ComponentSpec;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapKeySelector;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Works out the environment a container of an AppDeployment gets, as the kubelet would: first
 * {@code spec.envFrom} then the component's {@code envFrom} (later sources win), then SERVICE_ROLE
 * ({@link ServiceRole}), then {@code spec.env} and the component's {@code env} (later entries win,
 * {@code $(VAR)} references expanded). Pure: Secrets and ConfigMaps come from lookups.
 *
 * <p>Values only the pod knows ({@code fieldRef} other than the namespace, {@code
 * resourceFieldRef}) are kept as {@link EnvValue#atRuntime}. References marked {@code optional}
 * that do not resolve are left out, as Kubernetes does; others become problems.
 */
public final class EnvResolver {

  private final SecretResolver secrets;
  private final Function<String, ConfigMap> configMaps;

  /**
   * @param secrets Secrets of the AppDeployment's namespace by name, null when absent
   * @param configMaps ConfigMaps of the AppDeployment's namespace by name, null when absent
   */
  public EnvResolver(Function<String, Secret> secrets, Function<String, ConfigMap> configMaps) {
    this.secrets = new SecretResolver(secrets);
    this.configMaps = configMaps;
  }

  /** The environment of a component's container. */
  public ResolvedEnv component(AppDeployment appd, ComponentSpec component) {
    int index = appd.getSpec().getComponents().indexOf(component);
    return resolve(appd, component, "spec.components[" + index + "]");
  }

  /** The environment shared by all containers, as the migration Job gets it. */
  public ResolvedEnv shared(AppDeployment appd) {
    return resolve(appd, null, null);
  }

  private ResolvedEnv resolve(AppDeployment appd, ComponentSpec component, String componentField) {
    AppDeploymentSpec spec = appd.getSpec();
    String namespace = appd.getMetadata() == null ? null : appd.getMetadata().getNamespace();
    Map<String, EnvValue> values = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    envFrom(spec.getEnvFrom(), "spec.envFrom", values, problems);
    if (component != null) {
      envFrom(component.getEnvFrom(), componentField + ".envFrom", values, problems);
      ServiceRole.injected(spec, component)
          .ifPresent(e -> values.put(e.getName(), EnvValue.literal(e.getValue())));
    }
    env(spec.getEnv(), "spec.env", namespace, values, problems);
    if (component != null) {
      env(component.getEnv(), componentField + ".env", namespace, values, problems);
    }
    return new ResolvedEnv(values, problems);
  }

  private void envFrom(
      List<EnvFromSource> sources,
      String field,
      Map<String, EnvValue> values,
      List<String> problems) {
    if (sources == null) {
      return;
    }
    for (int i = 0; i < sources.size(); i++) {
      EnvFromSource source = sources.get(i);
      String prefix = source.getPrefix() == null ? "" : source.getPrefix();
      if (source.getSecretRef() != null) {
        String name = source.getSecretRef().getName();
        String at = field + "[" + i + "].secretRef";
        Secret secret = secrets.secret(name).orElse(null);
        if (secret == null) {
          if (!Boolean.TRUE.equals(source.getSecretRef().getOptional())) {
            problems.add(at + ": Secret \"" + name + "\" not found");
          }
          continue;
        }
        for (String key : SecretData.keys(secret)) {
          Resolution r = SecretData.read(secret, name, key);
          if (r.isFound()) {
            values.put(prefix + key, EnvValue.fromSecret(r.value()));
          } else {
            problems.add(at + ": " + r.reason());
          }
        }
      } else if (source.getConfigMapRef() != null) {
        String name = source.getConfigMapRef().getName();
        ConfigMap map = configMaps.apply(name);
        if (map == null) {
          if (!Boolean.TRUE.equals(source.getConfigMapRef().getOptional())) {
            problems.add(field + "[" + i + "].configMapRef: ConfigMap \"" + name + "\" not found");
          }
          continue;
        }
        if (map.getData() != null) {
          new TreeMap<>(map.getData())
              .forEach((key, value) -> values.put(prefix + key, EnvValue.literal(value)));
        }
      }
    }
  }

  private void env(
      List<EnvVar> entries,
      String field,
      String namespace,
      Map<String, EnvValue> values,
      List<String> problems) {
    if (entries == null) {
      return;
    }
    for (int i = 0; i < entries.size(); i++) {
      EnvVar e = entries.get(i);
      String at = field + "[" + i + "]";
      EnvVarSource from = e.getValueFrom();
      if (from == null) {
        values.put(
            e.getName(), EnvExpansion.expand(e.getValue() == null ? "" : e.getValue(), values));
      } else if (from.getSecretKeyRef() != null) {
        SecretKeySelector ref = from.getSecretKeyRef();
        Resolution r = secrets.value(at + ".valueFrom.secretKeyRef", ref.getName(), ref.getKey());
        if (r.isFound()) {
          values.put(e.getName(), EnvValue.fromSecret(r.value()));
        } else if (!Boolean.TRUE.equals(ref.getOptional())) {
          problems.add(r.reason() + " (variable " + e.getName() + ")");
        }
      } else if (from.getConfigMapKeyRef() != null) {
        configMapKey(e.getName(), from.getConfigMapKeyRef(), at, values, problems);
      } else if (from.getFieldRef() != null) {
        String path = from.getFieldRef().getFieldPath();
        values.put(
            e.getName(),
            "metadata.namespace".equals(path) && namespace != null
                ? EnvValue.literal(namespace)
                : EnvValue.atRuntime("fieldRef " + path));
      } else if (from.getResourceFieldRef() != null) {
        values.put(
            e.getName(),
            EnvValue.atRuntime("resourceFieldRef " + from.getResourceFieldRef().getResource()));
      }
    }
  }

  private void configMapKey(
      String variable,
      ConfigMapKeySelector ref,
      String at,
      Map<String, EnvValue> values,
      List<String> problems) {
    String field = at + ".valueFrom.configMapKeyRef";
    ConfigMap map = configMaps.apply(ref.getName());
    String value = map == null || map.getData() == null ? null : map.getData().get(ref.getKey());
    if (value != null) {
      values.put(variable, EnvValue.literal(value));
    } else if (!Boolean.TRUE.equals(ref.getOptional())) {
      problems.add(
          field
              + ": "
              + (map == null
                  ? "ConfigMap \"" + ref.getName() + "\" not found"
                  : "ConfigMap \"" + ref.getName() + "\" has no key \"" + ref.getKey() + "\"")
              + " (variable "
              + variable
              + ")");
    }
  }
}
