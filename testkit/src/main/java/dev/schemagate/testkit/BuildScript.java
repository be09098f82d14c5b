package dev.schemagate.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs one of the repository's build scripts (scripts/*.sh) the way the tests need it. */
public final class BuildScript {

  private BuildScript() {}

  /**
   * Runs {@code script} from the repository root, copying its progress (stderr) to stderr, and
   * returns its last stdout line as a path. While it runs, a line a minute says it is alive.
   *
   * @param what what the script builds, for the heartbeat and the errors
   */
  public static Path run(Path script, String what, long timeoutMinutes) {
    long start = System.nanoTime();
    Process process;
    try {
      process =
          new ProcessBuilder("bash", script.toString())
              .directory(KubeBinaries.repoRoot().toFile())
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
            script.getFileName() + "-stderr");
    stderrPump.setDaemon(true);
    stderrPump.start();
    String lastLine = null;
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      // Reading stdout cannot hang longer than the process: the script holds no other writer.
      java.util.concurrent.ScheduledExecutorService heartbeat = heartbeat(start, what);
      try {
        for (String line; (line = out.readLine()) != null; ) {
          if (!line.isBlank()) {
            lastLine = line.strip();
          }
        }
      } finally {
        heartbeat.shutdownNow();
      }
      if (!process.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new IllegalStateException(
            script + " did not finish in " + timeoutMinutes + " minutes");
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
  private static java.util.concurrent.ScheduledExecutorService heartbeat(long start, String what) {
    java.util.concurrent.ScheduledExecutorService heartbeat =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "build-heartbeat");
              thread.setDaemon(true);
              return thread;
            });
    heartbeat.scheduleAtFixedRate(
        () ->
            System.err.printf(
                "[build] still building %s (%d s so far; later runs use the cache)%n",
                what, (System.nanoTime() - start) / 1_000_000_000L),
        1,
        1,
        java.util.concurrent.TimeUnit.MINUTES);
    return heartbeat;
  }
}
