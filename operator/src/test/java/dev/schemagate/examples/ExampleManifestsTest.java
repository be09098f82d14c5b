package dev.schemagate.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.Crd;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every YAML under examples/ is what it says it is: each document parses into a Fabric8 object
 * (AppDeployments into the operator's own model; their CRD schema and CEL checks are in {@code
 * AppDeploymentValidationTest}), and each example directory brings the Secrets and ConfigMaps its
 * AppDeployments name.
 */
class ExampleManifestsTest {

  private static final Path EXAMPLES = Crd.repoRoot().resolve("examples");
  private static final Path CRDS = Crd.repoRoot().resolve("crds");

  /**
   * Files under examples/ that configure tools rather than describe Kubernetes objects: Argo CD's
   * test list of its health check, and kustomize's lists of files.
   */
  private static final Set<String> NOT_OBJECTS = Set.of("health_test.yaml", "kustomization.yaml");

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  static {
    SERIALIZATION.registerKubernetesResource(AppDeployment.class);
  }

  static Stream<Path> manifests() throws IOException {
    try (Stream<Path> files = Files.walk(EXAMPLES)) {
      return files
          .filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
          .filter(f -> !NOT_OBJECTS.contains(f.getFileName().toString()))
          .sorted()
          .toList()
          .stream();
    }
  }

  /** Every document of a file, parsed as the Kubernetes client parses what it applies. */
  static List<HasMetadata> objects(Path file) {
    try {
      List<HasMetadata> objects = new ArrayList<>();
      for (String document : Files.readString(file).split("(?m)^---\\s*$")) {
        if (document.lines().anyMatch(l -> l.startsWith("kind:"))) {
          objects.add(SERIALIZATION.unmarshal(document));
        }
      }
      return objects;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("manifests")
  void everyDocumentParsesIntoAKubernetesObject(Path file) {
    List<HasMetadata> objects = objects(file);
    long documents = Crd.readYaml(file).size();

    assertThat(objects).as("every document of %s", file).hasSize((int) documents).isNotEmpty();
    for (HasMetadata object : objects) {
      assertThat(object.getMetadata().getName()).as("metadata.name").isNotBlank();
      if ("AppDeployment".equals(object.getKind())) {
        assertThat(object).isInstanceOf(AppDeployment.class);
        assertThat(((AppDeployment) object).getSpec().getImage()).isNotBlank();
      } else if (isKubernetesBuiltIn(object)) {
        assertThat(object)
            .as("%s %s is a typed object", object.getKind(), object.getMetadata().getName())
            .isNotInstanceOf(GenericKubernetesResource.class);
      }
    }
  }

  private static boolean isKubernetesBuiltIn(KubernetesResource object) {
    String apiVersion = ((HasMetadata) object).getApiVersion();
    return apiVersion.equals("v1") || apiVersion.startsWith("apiextensions.k8s.io/");
  }

  static Stream<Path> exampleDirectories() throws IOException {
    try (Stream<Path> dirs = Files.list(EXAMPLES)) {
      return dirs
          .filter(d -> objectsIn(d).stream().anyMatch(AppDeployment.class::isInstance))
          .sorted()
          .toList()
          .stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("exampleDirectories")
  void everySecretAndConfigMapAnAppDeploymentNamesIsInItsDirectory(Path directory) {
    List<HasMetadata> objects = objectsIn(directory);
    Set<String> secrets = names(objects, Secret.class);
    Set<String> configMaps = names(objects, ConfigMap.class);

    for (HasMetadata object : objects) {
      if (object instanceof AppDeployment appd) {
        var spec = appd.getSpec();
        Set<String> named = new TreeSet<>();
        named.add(spec.getDatabase().getUrlSecretRef().getName());
        if (spec.getRedis() != null) {
          named.add(spec.getRedis().getUrlSecretRef().getName());
        }
        for (EnvVar env : spec.getEnv() == null ? List.<EnvVar>of() : spec.getEnv()) {
          if (env.getValueFrom() != null && env.getValueFrom().getSecretKeyRef() != null) {
            named.add(env.getValueFrom().getSecretKeyRef().getName());
          }
        }
        if (spec.getImagePullSecrets() != null) {
          spec.getImagePullSecrets().stream()
              .map(LocalObjectReference::getName)
              .forEach(named::add);
        }
        assertThat(secrets).as("Secrets in %s", directory).containsAll(named);
        var flyway = spec.getMigration().getFlyway();
        if (flyway != null && flyway.getConfigMapRef() != null) {
          assertThat(configMaps).contains(flyway.getConfigMapRef().getName());
        }
        if (flyway != null && flyway.getConfigMapRefs() != null) {
          flyway.getConfigMapRefs().forEach(r -> assertThat(configMaps).contains(r.getName()));
        }
      }
    }
  }

  @Test
  void exampleSecretsHoldOnlyPlaceholders() {
    List<Secret> secrets = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(EXAMPLES)) {
      dirs.forEach(
          d ->
              objectsIn(d).stream()
                  .filter(Secret.class::isInstance)
                  .forEach(s -> secrets.add((Secret) s)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }

    assertThat(secrets).isNotEmpty();
    for (Secret secret : secrets) {
      assertThat(secret.getData()).as("no base64 data to hide a real value in").isNullOrEmpty();
      assertThat(secret.getStringData().values())
          .allSatisfy(v -> assertThat(v).contains("CHANGE-ME"));
    }
  }

  /** The names kustomize recognises (sigs.k8s.io/kustomize/api/konfig). */
  static final Set<String> KUSTOMIZATION_NAMES =
      Set.of("kustomization.yaml", "kustomization.yml", "Kustomization");

  @Test
  void kustomizationsListFilesThatExist() throws IOException {
    List<Path> kustomizations = new ArrayList<>();
    for (Path root : List.of(EXAMPLES, CRDS)) {
      try (Stream<Path> files = Files.walk(root)) {
        files
            .filter(f -> KUSTOMIZATION_NAMES.contains(f.getFileName().toString()))
            .forEach(kustomizations::add);
      }
    }
    assertThat(kustomizations)
        .as("crds/ is a kustomize base")
        .contains(CRDS.resolve("Kustomization"));

    assertThat(kustomizations).isNotEmpty();
    for (Path file : kustomizations) {
      for (var resource : Crd.readYaml(file).get(0).path("resources")) {
        assertThat(file.getParent().resolve(resource.asText()).normalize())
            .as("%s lists %s", file, resource.asText())
            .exists();
      }
    }
  }

  /**
   * {@code kubectl apply -f crds/} reads every .json, .yaml and .yml file of the directory (k8s.io
   * cli-runtime's FileExtensions) and fails on anything that is not an object of the cluster: each
   * such file is the CRD, and the directory's kustomization is named {@code Kustomization}, a name
   * kubectl skips. The real kubectl does the same in {@code KubectlOnRealApiServerTest}.
   */
  @Test
  void crdsHoldsOnlyWhatKubectlApplyReads() throws IOException {
    List<Path> read;
    try (Stream<Path> files = Files.list(CRDS)) {
      read = files.filter(f -> f.toString().matches(".*\\.(json|yaml|yml)$")).sorted().toList();
    }

    assertThat(read).containsExactly(Crd.committed());
    for (Path file : read) {
      assertThat(objects(file))
          .as("%s", file)
          .singleElement()
          .satisfies(o -> assertThat(o.getKind()).isEqualTo("CustomResourceDefinition"));
    }
  }

  private static List<HasMetadata> objectsIn(Path directory) {
    try (Stream<Path> files = Files.list(directory)) {
      return files
          .filter(f -> f.toString().endsWith(".yaml"))
          .filter(f -> !NOT_OBJECTS.contains(f.getFileName().toString()))
          .flatMap(f -> objects(f).stream())
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Set<String> names(List<HasMetadata> objects, Class<?> kind) {
    Set<String> names = new TreeSet<>();
    objects.stream().filter(kind::isInstance).forEach(o -> names.add(o.getMetadata().getName()));
    return names;
  }
}
