package dev.schemagate.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The gate's start-up inside its container: containerd's log has the start of the container's
 * process and its exit (the shim going away) at nanosecond resolution, the container's own log its
 * first line and its verdict.
 */
final class GateStartup {

  private GateStartup() {}

  /** Prints process start to first log line, to verdict, to exit ({@code [node-timing]}). */
  static void print(Node node, String timestampedLog, ContainerStatus gate) {
    List<Instant> stamps =
        timestampedLog
            .lines()
            .filter(l -> l.length() > 30 && Character.isDigit(l.charAt(0)))
            .map(l -> Instant.parse(l.substring(0, l.indexOf(' '))))
            .toList();
    String id = gate.getContainerID().replaceFirst("^containerd://", "");
    Instant started = null;
    Instant exited = null;
    List<String> lines;
    try {
      lines = Files.readAllLines(node.logs().resolve("containerd.log"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (String line : lines) {
      if (!line.contains(id) || !line.startsWith("time=\"")) {
        continue;
      }
      Instant at = Instant.parse(line.substring(6, line.indexOf('"', 6)));
      if (line.contains("StartContainer for") && line.contains("returns successfully")) {
        started = at;
      } else if (line.contains("shim disconnected") && exited == null) {
        exited = at;
      }
    }
    assertThat(started).as("containerd started %s", id).isNotNull();
    assertThat(exited).as("containerd saw %s exit", id).isNotNull();
    System.out.printf(
        "%s schema gate in its container (containerd + its log): process start -> first log line"
            + " %d ms, -> verdict %d ms, -> process exit %d ms%n",
        RealNodeIT.TIMING,
        Duration.between(started, stamps.get(0)).toMillis(),
        Duration.between(started, stamps.get(stamps.size() - 1)).toMillis(),
        Duration.between(started, exited).toMillis());
  }
}
