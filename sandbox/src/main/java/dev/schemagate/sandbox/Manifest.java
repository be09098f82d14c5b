package dev.schemagate.sandbox;

import dev.schemagate.api.AppDeployment;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The objects one scenario applies: an example's Namespace, Secrets, ConfigMaps and its
 * AppDeployment, moved into the scenario's own namespace.
 */
final class Manifest {

  static final String PROSAAS = "/examples/prosaas/";
  private static final String KUSTOMIZATION = "kustomization.yaml";
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private final AppDeployment appDeployment;
  private final List<HasMetadata> others;

  private Manifest(AppDeployment appDeployment, List<HasMetadata> others) {
    this.appDeployment = appDeployment;
    this.others = others;
  }

  /** examples/prosaas as one YAML stream, its files in the order its kustomization lists them. */
  static String prosaasYaml() {
    StringBuilder yaml = new StringBuilder();
    for (String file : resources(read(PROSAAS + KUSTOMIZATION))) {
      yaml.append(read(PROSAAS + file)).append("\n---\n");
    }
    return yaml.toString();
  }

  /** A file, or a directory's YAML files (in its kustomization's order when it has one). */
  static String yamlOf(Path path) throws IOException {
    if (!Files.isDirectory(path)) {
      return Files.readString(path);
    }
    List<Path> files = new ArrayList<>();
    Path kustomization = path.resolve(KUSTOMIZATION);
    if (Files.exists(kustomization)) {
      resources(Files.readString(kustomization)).forEach(f -> files.add(path.resolve(f)));
    } else {
      try (Stream<Path> listed = Files.list(path)) {
        listed.filter(f -> f.toString().endsWith(".yaml")).sorted().forEach(files::add);
      }
    }
    StringBuilder yaml = new StringBuilder();
    for (Path file : files) {
      yaml.append(Files.readString(file)).append("\n---\n");
    }
    return yaml.toString();
  }

  /** Parses every document; exactly one must be an AppDeployment. */
  static Manifest parse(String yaml, String namespace) {
    AppDeployment appd = null;
    List<HasMetadata> others = new ArrayList<>();
    for (String document : yaml.split("(?m)^---\\s*$")) {
      if (document.lines().noneMatch(l -> l.startsWith("kind:"))) {
        continue;
      }
      HasMetadata object = SERIALIZATION.unmarshal(document);
      if ("AppDeployment".equals(object.getKind())) {
        if (appd != null) {
          throw new IllegalArgumentException("more than one AppDeployment: the demo runs one");
        }
        appd = SERIALIZATION.unmarshal(document, AppDeployment.class);
        appd.getMetadata().setNamespace(namespace);
      } else if (object instanceof Namespace) {
        object.getMetadata().setName(namespace);
        others.add(0, object);
      } else {
        object.getMetadata().setNamespace(namespace);
        others.add(object);
      }
    }
    if (appd == null) {
      throw new IllegalArgumentException("no AppDeployment in the YAML given");
    }
    return new Manifest(appd, others);
  }

  AppDeployment appDeployment() {
    return appDeployment;
  }

  /** Everything but the AppDeployment, the Namespace first. */
  List<HasMetadata> others() {
    return others;
  }

  private static List<String> resources(String kustomization) {
    Object listed =
        SERIALIZATION
            .unmarshal(kustomization, GenericKubernetesResource.class)
            .getAdditionalProperties()
            .get("resources");
    List<String> files = new ArrayList<>();
    if (listed instanceof List<?> list) {
      list.forEach(f -> files.add(String.valueOf(f)));
    }
    return files;
  }

  private static String read(String resource) {
    try (InputStream in = Manifest.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("not in the demo jar: " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
