package dev.schemagate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** Each reconcile line names its AppDeployment (JOSDK's MDC), in text and in JSON. */
class LoggingTest {

  private final PrintStream originalOut = System.out;

  @AfterEach
  void restore() {
    System.setOut(originalOut);
    Logging.configure(LogFormat.text, "INFO");
  }

  private String logOneLine(LogFormat format) {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    Logging.configure(format, "INFO");
    try (var ns = MDC.putCloseable("resource.namespace", "prod");
        var name = MDC.putCloseable("resource.name", "prosaas")) {
      LoggerFactory.getLogger("dev.schemagate.test").info("Migration {} started", "abc123");
    }
    System.setOut(originalOut);
    return captured.toString(StandardCharsets.UTF_8).trim();
  }

  @Test
  void textLinesNameTheAppDeployment() {
    assertThat(logOneLine(LogFormat.text))
        .contains("INFO")
        .contains("[prod/prosaas]")
        .contains("Migration abc123 started");
  }

  @Test
  void jsonLinesAreOneObjectEachWithTheMdc() throws Exception {
    String line = logOneLine(LogFormat.json);
    assertThat(line.lines()).hasSize(1);
    JsonNode json = new ObjectMapper().readTree(line);
    assertThat(json.path("level").asText()).isEqualTo("INFO");
    assertThat(json.path("formattedMessage").asText()).isEqualTo("Migration abc123 started");
    assertThat(json.path("mdc").path("resource.name").asText()).isEqualTo("prosaas");
    assertThat(json.path("mdc").path("resource.namespace").asText()).isEqualTo("prod");
  }

  @Test
  void javaUtilLoggingLinesPassTheMaskerToo() {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    Logging.configure(LogFormat.text, "INFO");
    java.util.logging.Logger.getLogger("org.postgresql.Driver")
        .warning("Connection to postgresql://app:S3cr3tq-jul@db:5432/app refused");
    System.setOut(originalOut);
    assertThat(captured.toString(StandardCharsets.UTF_8))
        .contains("postgresql://app:***@db:5432/app")
        .doesNotContain("S3cr3tq-jul");
  }

  @Test
  void levelIsHonoured() {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    Logging.configure(LogFormat.text, "warn");
    LoggerFactory.getLogger("dev.schemagate.test").info("hidden");
    LoggerFactory.getLogger("dev.schemagate.test").warn("shown");
    System.setOut(originalOut);
    assertThat(captured.toString(StandardCharsets.UTF_8))
        .contains("shown")
        .doesNotContain("hidden");
  }

  /** The text configuration, once in place, is kept and only its level changed: JUL's included. */
  @Test
  void levelChangesOfTheConfigurationInPlaceReachJavaUtilLoggingToo() {
    Logging.configure(LogFormat.json, "INFO");
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    Logging.configure(LogFormat.text, "INFO");
    Logging.configure(LogFormat.text, "ERROR");
    java.util.logging.Logger.getLogger("org.postgresql.Driver").warning("hidden-jul");
    LoggerFactory.getLogger("dev.schemagate.test").warn("hidden-slf4j");
    Logging.configure(LogFormat.text, "DEBUG");
    java.util.logging.Logger.getLogger("org.postgresql.Driver").fine("shown-jul");
    LoggerFactory.getLogger("dev.schemagate.test").debug("shown-slf4j");
    System.setOut(originalOut);
    assertThat(captured.toString(StandardCharsets.UTF_8))
        .doesNotContain("hidden")
        .contains("DEBUG")
        .contains("shown-jul")
        .contains("shown-slf4j")
        .doesNotStartWith("{");
  }
}
