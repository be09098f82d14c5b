package dev.schemagate.helm;

import com.marcnuri.helm.Helm;
import dev.schemagate.api.Crd;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The Helm chart rendered by helm itself (helm-java: helm's Go code in-process), parsed into
 * Fabric8 objects.
 */
public final class Chart {

  public static final String RELEASE = "schemagate";
  public static final String NAMESPACE = "schemagate-system";
  static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private Chart() {}

  public static Path dir() {
    return Crd.repoRoot().resolve("helm/schemagate");
  }

  /** Renders with these values (a map as values.yaml would hold it). */
  public static Rendered render(Map<String, ?> values) {
    return new Rendered(renderYaml(values));
  }

  /** helm template's output; throws IllegalStateException with helm's message on failure. */
  public static String renderYaml(Map<String, ?> values) {
    Path file = null;
    try {
      file = Files.createTempFile("schemagate-values", ".yaml");
      Crd.YAML.writeValue(file.toFile(), values);
      return new Helm(dir())
          .template()
          .withName(RELEASE)
          .withNamespace(NAMESPACE)
          .withValuesFile(file)
          .call();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      if (file != null) {
        file.toFile().delete();
      }
    }
  }

  /** The objects of one rendering. */
  public record Rendered(String yaml, List<HasMetadata> objects) {

    Rendered(String yaml) {
      this(yaml, parse(yaml));
    }

    private static List<HasMetadata> parse(String yaml) {
      Object parsed = SERIALIZATION.unmarshal(yaml);
      if (parsed instanceof List<?> list) {
        return list.stream().map(HasMetadata.class::cast).toList();
      }
      return List.of((HasMetadata) parsed);
    }

    public <T extends HasMetadata> List<T> all(Class<T> type) {
      return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    public <T extends HasMetadata> T one(Class<T> type) {
      List<T> found = all(type);
      if (found.size() != 1) {
        throw new AssertionError(
            "expected one " + type.getSimpleName() + ", found " + found.size());
      }
      return found.get(0);
    }

    /** The RBAC the chart grants: every (Cluster)Role with what binds it. */
    public Rbac rbac() {
      return Rbac.of(
          all(ClusterRole.class),
          all(ClusterRoleBinding.class),
          all(Role.class),
          all(RoleBinding.class));
    }
  }
}
