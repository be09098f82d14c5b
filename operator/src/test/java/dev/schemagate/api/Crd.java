package dev.schemagate.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Test access to the committed CRD, the one the build generates, and the repository's YAML. */
public final class Crd {

  public static final String FILE_NAME = "appdeployments.schemagate.dev-v1.yml";
  public static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private Crd() {}

  public static Path repoRoot() {
    String configured = System.getProperty("schemagate.repoRoot");
    Path start = Path.of(configured != null ? configured : "").toAbsolutePath();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("crds")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
        return dir;
      }
    }
    throw new IllegalStateException("no repository root (with crds/ and pom.xml) above " + start);
  }

  public static Path committed() {
    return repoRoot().resolve("crds").resolve(FILE_NAME);
  }

  public static Path generated() {
    return repoRoot().resolve("operator/target/classes/META-INF/fabric8").resolve(FILE_NAME);
  }

  /** The committed CRD's openAPIV3Schema of v1alpha1. */
  public static JsonNode openApiSchema() {
    JsonNode crd = readYaml(committed()).get(0);
    for (JsonNode version : crd.path("spec").path("versions")) {
      if (AppDeployment.VERSION.equals(version.path("name").asText())) {
        return version.path("schema").path("openAPIV3Schema");
      }
    }
    throw new IllegalStateException("no version " + AppDeployment.VERSION + " in " + committed());
  }

  /** Every YAML document of a file (a file may hold several, separated by ---). */
  public static List<JsonNode> readYaml(Path file) {
    try (MappingIterator<JsonNode> documents =
        YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
      return documents.readAll().stream().filter(d -> d != null && !d.isNull()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** Every AppDeployment document in the YAML files under examples/. */
  public static List<Example> exampleAppDeployments() {
    try (Stream<Path> files = Files.walk(repoRoot().resolve("examples"))) {
      return files
          .filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
          .sorted()
          .flatMap(f -> readYaml(f).stream().map(doc -> new Example(f, doc)))
          .filter(e -> "AppDeployment".equals(e.document().path("kind").asText()))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One AppDeployment from an example file. */
  public record Example(Path file, JsonNode document) {
    @Override
    public String toString() {
      return repoRoot().relativize(file) + " " + document.path("metadata").path("name").asText();
    }
  }
}
