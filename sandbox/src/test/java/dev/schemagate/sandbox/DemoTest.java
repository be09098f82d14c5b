package dev.schemagate.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The demo runs headless and each scenario reaches the outcome it narrates. */
class DemoTest {

  @Test
  void everyScenarioReachesItsOutcomeAndNoPasswordIsPrinted() {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    boolean ok =
        Demo.run(
            Demo.exampleYaml(),
            List.of("install", "half-built", "failed-upgrade"),
            new PrintStream(captured, true, StandardCharsets.UTF_8));

    String narration = captured.toString(StandardCharsets.UTF_8);
    assertThat(ok).as(narration).isTrue();
    assertThat(narration)
        .contains("MigrationSucceeded")
        .contains("question_text")
        .contains("MigrationFailed")
        .doesNotContainPattern("postgresql://postgres:demo-");
  }

  @Test
  void fileOptionRunsTheObjectsOfAGivenDirectory() {
    Path prosaas = Path.of(System.getProperty("schemagate.repoRoot"), "examples", "prosaas");

    int exit =
        new CommandLine(new Demo()).execute("--file", prosaas.toString(), "--scenario", "install");

    assertThat(exit).isZero();
  }
}
