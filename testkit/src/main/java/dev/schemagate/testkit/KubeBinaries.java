package dev.schemagate.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where kube-apiserver, kube-controller-manager and etcd are.
 *
 * <p>Order: the environment variable {@value #ENV} (a directory holding the binaries), else the
 * output of {@code scripts/kube-binaries.sh}, which builds and caches them on first use (8-11
 * minutes) and then answers in milliseconds. The script's progress is copied to stderr.
 */
public final class KubeBinaries {

  /** A directory with kube-apiserver, kube-controller-manager and etcd; skips the script. */
  public static final String ENV = "SCHEMAGATE_KUBE_BIN";

  static final List<String> REQUIRED = List.of("kube-apiserver", "kube-controller-manager", "etcd");

  private static final long SCRIPT_TIMEOUT_MINUTES = 45;
  private static Path located;

  private KubeBinaries() {}

  /** The directory holding the binaries; runs the build script once per JVM if needed. */
  public static synchronized Path directory() {
    if (located == null) {
      located = locate();
    }
    return located;
  }

  private static Path locate() {
    String configured = System.getenv(ENV);
    if (configured != null && !configured.isBlank()) {
      Path dir = Path.of(configured).toAbsolutePath();
      requireBinaries(dir, ENV + "=" + configured);
      return dir;
    }
    Path script = repoRoot().resolve("scripts").resolve("kube-binaries.sh");
    if (!Files.isRegularFile(script)) {
      throw new IllegalStateException("no " + script + " and " + ENV + " is not set");
    }
    Path dir =
        BuildScript.run(
            script,
            "the Kubernetes binaries (the first build takes 8-11 minutes)",
            SCRIPT_TIMEOUT_MINUTES);
    requireBinaries(dir, script + " (printed " + dir + ")");
    return dir;
  }

  /**
   * The repository root: the system property {@code schemagate.repoRoot} (the build sets it) or the
   * working directory, else the nearest directory above it with scripts/kube-binaries.sh.
   */
  public static Path repoRoot() {
    String configured = System.getProperty("schemagate.repoRoot");
    Path start = Path.of(configured != null ? configured : "").toAbsolutePath();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("scripts").resolve("kube-binaries.sh"))) {
        return dir;
      }
    }
    throw new IllegalStateException(
        "no repository root (with scripts/kube-binaries.sh) above " + start);
  }

  private static void requireBinaries(Path dir, String source) {
    for (String name : REQUIRED) {
      if (!Files.isExecutable(dir.resolve(name))) {
        throw new IllegalStateException(
            "no executable " + name + " in " + dir + " (from " + source + ")");
      }
    }
  }
}
