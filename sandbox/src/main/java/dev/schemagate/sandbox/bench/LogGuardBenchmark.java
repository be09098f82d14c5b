package dev.schemagate.sandbox.bench;

import dev.schemagate.masking.logback.LogGuard;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The log masker of known Secret values ({@link LogGuard}) as N AppDeployments with Secrets of
 * their own come up: the time to remember every one's values (each a changed owner, so each a
 * rebuild), and the cost of masking a log line once all are known. The scale benchmark shares one
 * Secret per namespace, which hides this cost.
 */
@Command(
    name = "log-guard",
    mixinStandardHelpOptions = true,
    description = "Measures the log masker as N owners with distinct Secret values come up.")
public final class LogGuardBenchmark implements Callable<Integer> {

  @Option(
      names = "--owners",
      defaultValue = "1000",
      description =
          "AppDeployments, each with a database and a Redis URL of its own. Default:"
              + " ${DEFAULT-VALUE}.")
  int owners;

  @Option(
      names = "--lines",
      defaultValue = "20000",
      description = "Log lines masked once all are known. Default: ${DEFAULT-VALUE}.")
  int lines;

  public static void main(String[] args) {
    Harness.main(new LogGuardBenchmark(), args);
  }

  @Override
  public Integer call() {
    List<List<String>> values = new ArrayList<>();
    for (int i = 0; i < owners; i++) {
      values.add(
          List.of(
              "postgresql://app" + i + ":Pw" + UUID.randomUUID() + "@db" + i + ":5432/app" + i,
              "redis://:R" + UUID.randomUUID() + "@redis" + i + ":6379/0"));
    }
    long started = System.nanoTime();
    for (int i = 0; i < owners; i++) {
      LogGuard.rememberSecrets("bench/app-" + i, values.get(i));
    }
    double rememberMillis = (System.nanoTime() - started) / 1e6;
    String line =
        "Reconciled bench/app-7: migration Job app-7-migrate-3f2a succeeded, schema verified"
            + " (2 tables, 4 columns, 1 index); rolling out api";
    int masked = 0;
    long maskStart = System.nanoTime();
    for (int i = 0; i < lines; i++) {
      masked += LogGuard.masker().maskText(line).length();
    }
    double maskMicros = (System.nanoTime() - maskStart) / 1e3 / lines;
    System.out.printf(
        "log-guard: %d owners with distinct values remembered in %.0f ms (%.2f ms per owner);"
            + " masking a %d-character line %.1f us (%d lines, %d characters out)%n",
        owners, rememberMillis, rememberMillis / owners, line.length(), maskMicros, lines, masked);
    for (int i = 0; i < owners; i++) {
      LogGuard.forget("bench/app-" + i); // the masker is global: leave it as found
    }
    return 0;
  }
}
