package dev.schemagate.gate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The schema gate runs at every pod start from the same jar as the operator: its path must not load
 * the operator's machinery (JOSDK, the Kubernetes client, Micrometer, even the other subcommands'
 * option models), which would cost start-up time for nothing.
 */
class GateClassLoadingTest {

  @Test
  void checkSchemaLoadsNoOperatorClasses() throws IOException, InterruptedException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process process =
        new ProcessBuilder(
                List.of(
                    java.toString(),
                    "-Xshare:auto",
                    "-verbose:class",
                    "-cp",
                    System.getProperty("java.class.path"),
                    "dev.schemagate.cli.SchemagateCli",
                    "check-schema",
                    "--help"))
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output)
        .contains("dev.schemagate.cli.CheckSchemaCommand")
        .contains("Usage: schemagate check-schema")
        .doesNotContain("io.javaoperatorsdk.")
        .doesNotContain("io.fabric8.")
        .doesNotContain("io.micrometer.")
        .doesNotContain("dev.schemagate.cli.OperatorCommand")
        .doesNotContain("dev.schemagate.cli.MigrateCommand");
  }
}
