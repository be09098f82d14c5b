package dev.schemagate.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The demo runs headless and each scenario reaches the outcome it narrates. */
class DemoTest {

  @Test
  void everyScenarioReachesItsOutcomeAndNoPasswordIsPrinted() throws IOException {
    String yaml;
    try (InputStream in = Demo.class.getResourceAsStream(Demo.DEFAULT_EXAMPLE)) {
      yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    boolean ok =
        Demo.run(
            yaml,
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
}
