package dev.schemagate.controlplane;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

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
    Path dir = runScript(script);
    requireBinaries(dir, script + " (printed " + dir + ")");
    return dir;
  }

  /** The repository root, found the same way as by every other test. */
  public static Path repoRoot() {
    return dev.schemagate.api.Crd.repoRoot();
  }

  private static Path runScript(Path script) {
    long start = System.nanoTime();
    Process process;
    try {
      process =
          new ProcessBuilder("bash", script.toString())
              .directory(script.getParent().getParent().toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + script, e);
    }
    List<String> errLines = new ArrayList<>();
    Thread stderrPump =
        new Thread(
            () -> {
              try (BufferedReader err =
                  new BufferedReader(
                      new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = err.readLine()) != null; ) {
                  synchronized (errLines) {
                    errLines.add(line);
                  }
                  System.err.println(line);
                }
              } catch (IOException ignored) {
                // the process is gone
              }
            },
            "kube-binaries-stderr");
    stderrPump.setDaemon(true);
    stderrPump.start();
    String lastLine = null;
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      // Reading stdout cannot hang longer than the process: the script holds no other writer.
      Thread heartbeat = heartbeat(start);
      try {
        for (String line; (line = out.readLine()) != null; ) {
          if (!line.isBlank()) {
            lastLine = line.strip();
          }
        }
      } finally {
        heartbeat.interrupt();
      }
      if (!process.waitFor(SCRIPT_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new IllegalStateException(script + " did not finish in " + SCRIPT_TIMEOUT_MINUTES);
      }
      stderrPump.join(5_000);
    } catch (IOException e) {
      process.destroyForcibly();
      throw new UncheckedIOException("cannot read the output of " + script, e);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + script, e);
    }
    if (process.exitValue() != 0 || lastLine == null) {
      String tail;
      synchronized (errLines) {
        tail =
            String.join("\n", errLines.subList(Math.max(0, errLines.size() - 30), errLines.size()));
      }
      throw new IllegalStateException(
          script + " failed with exit code " + process.exitValue() + ":\n" + tail);
    }
    return Path.of(lastLine);
  }

  /** Prints a line every minute while a long build runs, so CI logs show it is alive. */
  private static Thread heartbeat(long start) {
    Thread thread =
        new Thread(
            () -> {
              try {
                while (true) {
                  Thread.sleep(60_000);
                  long seconds = (System.nanoTime() - start) / 1_000_000_000L;
                  System.err.printf(
                      "[control-plane] still building the Kubernetes binaries (%d s so far;"
                          + " the first build takes 8-11 minutes, later runs use the cache)%n",
                      seconds);
                }
              } catch (InterruptedException done) {
                // finished
              }
            },
            "kube-binaries-heartbeat");
    thread.setDaemon(true);
    thread.start();
    return thread;
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
