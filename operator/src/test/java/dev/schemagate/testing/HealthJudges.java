package dev.schemagate.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.schemagate.api.Crd;
import dev.schemagate.testkit.BuildScript;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.opentest4j.AssertionFailedError;

/**
 * What Flux and Argo CD would say about the health of a live object, told by the engines they
 * embed: {@code tools/health-judge}, a Go program that runs kstatus ({@code
 * sigs.k8s.io/cli-utils/pkg/kstatus/status.Compute}, Flux's health checks) and Argo CD's Lua health
 * check ({@code health.lua} under gopher-lua, bound and read the way Argo CD's {@code util/lua}
 * does).
 *
 * <p>The binary: the environment variable {@value #ENV} (its path), else the output of {@code
 * scripts/health-judge.sh}, which builds it on first use (under a minute) into a cache keyed by the
 * sources and then answers in milliseconds; the script runs at most once per JVM. Each judgement
 * runs the binary once, with a {@value #TIMEOUT_SECONDS} s timeout; a failure fails the test with
 * the binary's stderr.
 */
public final class HealthJudges {

  /** The path of a built health-judge binary; skips the build script. */
  public static final String ENV = "SCHEMAGATE_HEALTH_JUDGE";

  /** The AppDeployment health check, as Argo CD's resource_customizations layout has it. */
  public static final Path HEALTH_LUA =
      Crd.repoRoot()
          .resolve(
              "examples/argocd/resource_customizations/schemagate.dev/AppDeployment/health.lua");

  /** The argocd-cm snippet users copy; says whether Argo CD opens the Lua standard libraries. */
  public static final Path ARGOCD_CM = Crd.repoRoot().resolve("examples/argocd/argocd-cm.yaml");

  static final String USE_OPEN_LIBS_KEY =
      "resource.customizations.useOpenLibs.schemagate.dev_AppDeployment";

  private static final long TIMEOUT_SECONDS = 10;
  private static final long SCRIPT_TIMEOUT_MINUTES = 15;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final KubernetesSerialization KUBE_JSON = new KubernetesSerialization();

  private static Path located;
  private static RuntimeException locateFailure;

  private HealthJudges() {}

  /**
   * One judgement. kstatus: Current, InProgress, Failed, Terminating, NotFound or Unknown. Argo CD:
   * Healthy, Progressing, Degraded, Suspended, Missing or Unknown (a Lua error is Unknown with the
   * error as message, as Argo CD shows it).
   */
  public record Verdict(String status, String message) {}

  /** What kstatus, and so Flux, says about the object. */
  public static Verdict kstatus(String objectJson) {
    return judge(objectJson, "kstatus");
  }

  public static Verdict kstatus(HasMetadata object) {
    return kstatus(KUBE_JSON.asJson(object));
  }

  public static Verdict kstatus(JsonNode object) {
    return kstatus(json(object));
  }

  /**
   * What Argo CD says about the object with the repository's health.lua installed as {@link
   * #ARGOCD_CM} installs it: with the Lua standard libraries only if that ConfigMap sets {@value
   * #USE_OPEN_LIBS_KEY} to true (Argo CD's default for argocd-cm customizations is off).
   */
  public static Verdict argoCd(String objectJson) {
    return argoCd(objectJson, argocdCmOpensLibs());
  }

  public static Verdict argoCd(HasMetadata object) {
    return argoCd(KUBE_JSON.asJson(object));
  }

  public static Verdict argoCd(JsonNode object) {
    return argoCd(json(object));
  }

  /**
   * What the repository's health.lua says with every Lua standard library open: how Argo CD runs
   * its built-in scripts and its own health_test.yaml cases ({@code VM{UseOpenLibs: true}}).
   */
  public static Verdict argoCdWithOpenLibs(String objectJson) {
    return argoCd(objectJson, true);
  }

  public static Verdict argoCdWithOpenLibs(JsonNode object) {
    return argoCdWithOpenLibs(json(object));
  }

  private static Verdict argoCd(String objectJson, boolean openLibs) {
    List<String> args = new ArrayList<>(List.of("argocd", "--script", HEALTH_LUA.toString()));
    if (openLibs) {
      args.add("--open-libs");
    }
    return judge(objectJson, args.toArray(String[]::new));
  }

  /** Whether {@link #ARGOCD_CM} turns the Lua standard libraries on for AppDeployments. */
  public static boolean argocdCmOpensLibs() {
    JsonNode value = Crd.readYaml(ARGOCD_CM).get(0).path("data").path(USE_OPEN_LIBS_KEY);
    // Argo CD reads the value with strconv.ParseBool.
    return List.of("1", "t", "T", "TRUE", "true", "True").contains(value.asText());
  }

  /** The health-judge binary; runs the build script once per JVM if needed. */
  public static synchronized Path binary() {
    if (located == null) {
      if (locateFailure != null) {
        throw locateFailure;
      }
      try {
        located = locate();
      } catch (RuntimeException e) {
        locateFailure = e;
        throw e;
      }
    }
    return located;
  }

  private static Verdict judge(String objectJson, String... args) {
    List<String> command = new ArrayList<>();
    command.add(binary().toString());
    command.addAll(List.of(args));
    Process process;
    try {
      process = new ProcessBuilder(command).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command, e);
    }
    CompletableFuture<String> stdout = readAsync(process.getInputStream());
    CompletableFuture<String> stderr = readAsync(process.getErrorStream());
    try (OutputStream stdin = process.getOutputStream()) {
      stdin.write(objectJson.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      // The judge stopped reading (it failed early); its stderr says why.
    }
    String out;
    String err;
    try {
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionFailedError(
            "health-judge did not answer in " + TIMEOUT_SECONDS + " s: " + command);
      }
      out = stdout.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      err = stderr.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + command, e);
    } catch (ExecutionException | TimeoutException e) {
      process.destroyForcibly();
      throw new IllegalStateException("cannot read the output of " + command, e);
    }
    if (process.exitValue() != 0) {
      throw new AssertionFailedError(
          "health-judge failed with exit code "
              + process.exitValue()
              + ": "
              + String.join(" ", command)
              + "\n"
              + err.strip());
    }
    String line = out.strip();
    try {
      JsonNode verdict = JSON.readTree(line.substring(line.lastIndexOf('\n') + 1));
      return new Verdict(verdict.path("status").asText(), verdict.path("message").asText());
    } catch (JsonProcessingException e) {
      throw new AssertionFailedError(
          "health-judge printed no verdict: " + String.join(" ", command) + "\n" + out + err, e);
    }
  }

  private static CompletableFuture<String> readAsync(InputStream stream) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (stream) {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  private static String json(JsonNode object) {
    try {
      return JSON.writeValueAsString(object);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write as JSON: " + object, e);
    }
  }

  private static Path locate() {
    String configured = System.getenv(ENV);
    if (configured != null && !configured.isBlank()) {
      Path binary = Path.of(configured).toAbsolutePath();
      if (!Files.isExecutable(binary)) {
        throw new IllegalStateException(ENV + "=" + configured + " is not an executable file");
      }
      return binary;
    }
    Path script = Crd.repoRoot().resolve("scripts").resolve("health-judge.sh");
    if (!Files.isRegularFile(script)) {
      throw new IllegalStateException("no " + script + " and " + ENV + " is not set");
    }
    Path binary = BuildScript.run(script, "the health judge", SCRIPT_TIMEOUT_MINUTES);
    if (!Files.isExecutable(binary)) {
      throw new IllegalStateException(script + " printed " + binary + ", not an executable file");
    }
    return binary;
  }
}
