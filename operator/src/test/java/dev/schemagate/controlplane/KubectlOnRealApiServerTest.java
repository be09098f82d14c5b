package dev.schemagate.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import dev.schemagate.api.Crd;
import dev.schemagate.testkit.ControlPlane;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What the documentation tells people to run, with the real kubectl: {@code kubectl apply -f crds/}
 * against the real API server (a server-side dry run: the server validates and admits the CRD but
 * stores nothing), and {@code kubectl kustomize} of the Argo CD example, which takes crds/ as a
 * kustomize base. kubectl must be on PATH (the machine image ships it, Debian package kubectl);
 * without it these tests fail, they do not skip.
 */
@RealKubernetes
class KubectlOnRealApiServerTest {

  private static final String CRD_NAME = "appdeployments.schemagate.dev";
  private static final String CRD = "customresourcedefinition.apiextensions.k8s.io/" + CRD_NAME;

  static ControlPlane plane;

  record Result(int exitCode, String output) {}

  /** The kubectl on PATH; fails the test, with what to do, when there is none. */
  static Path kubectl() {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, "kubectl");
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return fail(
        "kubectl is not on PATH (%s): these tests run the real kubectl. Install it (Debian package"
            + " kubectl, or any kubectl 1.30+) and run them again.",
        path);
  }

  /** Runs kubectl in the repository root, with no user configuration or cache. */
  static Result kubectl(String... args) throws IOException, InterruptedException {
    Path cache = Files.createTempDirectory("kubectl-cache");
    List<String> command = new ArrayList<>();
    command.add(kubectl().toString());
    command.addAll(List.of(args));
    command.add("--cache-dir=" + cache);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(Crd.repoRoot().toFile())
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    builder.environment().remove("KUBECONFIG");
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      fail("kubectl %s did not end within 120 s; it printed:%n%s", String.join(" ", args), output);
    }
    return new Result(process.exitValue(), output);
  }

  @Test
  void applyOfTheCrdsDirectoryIsAcceptedByTheApiServer() throws Exception {
    Result result =
        kubectl("apply", "-f", "crds/", "--dry-run=server", "--kubeconfig=" + plane.kubeconfig());

    assertThat(result.exitCode())
        .as("kubectl apply -f crds/ --dry-run=server exit code; it printed:%n%s", result.output())
        .isZero();
    assertThat(result.output())
        .contains(CRD)
        .contains("(server dry run)")
        .doesNotContainIgnoringCase("error")
        .doesNotContain("Kustomization");
  }

  @Test
  void kustomizeTakesTheCrdsDirectoryAsTheBaseOfTheArgoCdExample() throws Exception {
    Result result = kubectl("kustomize", "examples/argocd/prosaas");

    assertThat(result.exitCode())
        .as("kubectl kustomize examples/argocd/prosaas exit code; it printed:%n%s", result.output())
        .isZero();
    assertThat(result.output())
        .contains("kind: CustomResourceDefinition")
        .contains("name: " + CRD_NAME)
        .contains("argocd.argoproj.io/sync-wave: \"-1\"")
        .contains("kind: AppDeployment");
  }

  @Test
  void kustomizeOfTheCrdsDirectoryRendersTheCommittedCrdAlone() throws Exception {
    Result result = kubectl("kustomize", "crds");

    assertThat(result.exitCode()).as(result.output()).isZero();
    List<JsonNode> documents;
    try (MappingIterator<JsonNode> read =
        Crd.YAML.readerFor(JsonNode.class).readValues(result.output())) {
      documents = read.readAll();
    }
    List<JsonNode> committed = Crd.readYaml(Crd.committed());
    assertThat(documents).hasSameSizeAs(committed).hasSize(1);
    // kustomize writes the generator's 1.0 as 1: the same number.
    Comparator<JsonNode> numbersByValue =
        (x, y) ->
            x.equals(y)
                    || (x.isNumber()
                        && y.isNumber()
                        && x.decimalValue().compareTo(y.decimalValue()) == 0)
                ? 0
                : 1;
    assertThat(documents.get(0).equals(numbersByValue, committed.get(0)))
        .as("kubectl kustomize crds renders the committed CRD:%n%s", result.output())
        .isTrue();
  }
}
