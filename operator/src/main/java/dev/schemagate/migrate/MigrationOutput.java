package dev.schemagate.migrate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.schemagate.masking.Masker;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where {@code schemagate migrate} writes what it reports: one line per event, masked. As text, the
 * line itself (a multi-line database error is joined onto one line); as JSON, one object per line
 * in the shape of the logback JSON encoder that writes Flyway's own lines beside them ({@code
 * timestamp}, {@code level}, {@code loggerName}, {@code formattedMessage}), details such as the
 * file and line of a failure in {@code kvpList}, so that a log collector parses every line.
 *
 * <p>Thread-safe: the deadline's watchdog and a SIGTERM hook report beside the migration.
 */
final class MigrationOutput {

  static final String LOGGER = "dev.schemagate.migrate";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final PrintWriter out;
  private final boolean json;
  private final Clock clock;
  private volatile Masker masker;

  MigrationOutput(PrintWriter out, boolean json, Masker masker, Clock clock) {
    this.out = out;
    this.json = json;
    this.masker = masker;
    this.clock = clock;
  }

  /** Masks what is printed from now on with {@code masker} (the URL becomes known when read). */
  void maskWith(Masker masker) {
    this.masker = masker;
  }

  Masker masker() {
    return masker;
  }

  void info(String message) {
    write("INFO", message, Map.of());
  }

  void info(String message, Map<String, ?> details) {
    write("INFO", message, details);
  }

  void warn(String message) {
    write("WARN", message, Map.of());
  }

  void error(String message) {
    write("ERROR", message, Map.of());
  }

  void error(String message, Map<String, ?> details) {
    write("ERROR", message, details);
  }

  private synchronized void write(String level, String message, Map<String, ?> details) {
    Masker current = masker;
    String masked = oneLine(current.maskText(message));
    if (!json) {
      out.println(masked);
      out.flush();
      return;
    }
    ObjectNode line = JSON.createObjectNode();
    line.put("timestamp", clock.millis());
    line.put("level", level);
    line.put("threadName", Thread.currentThread().getName());
    line.put("loggerName", LOGGER);
    line.put("formattedMessage", masked);
    if (!details.isEmpty()) {
      ArrayNode pairs = line.putArray("kvpList");
      Map<String, Object> ordered = new LinkedHashMap<>(details);
      ordered.forEach(
          (key, value) -> {
            if (value instanceof Number number) {
              pairs.addObject().put(key, number.longValue());
            } else if (value != null) {
              pairs.addObject().put(key, oneLine(current.maskText(String.valueOf(value))));
            }
          });
    }
    try {
      out.println(JSON.writeValueAsString(line));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a log line as JSON", e);
    }
    out.flush();
  }

  /**
   * A database error's {@code Position: 13} and a statement's line breaks stay on the line they
   * belong to.
   */
  static String oneLine(String text) {
    return text.replaceAll("\\s*\\R\\s*", " ").stripTrailing();
  }
}
