package dev.schemagate.sandbox;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/** Narrates what happens, one timestamped line per step. */
final class Timeline {

  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

  private final PrintStream out;
  private final Instant start = Instant.now();

  Timeline(PrintStream out) {
    this.out = out;
  }

  void step(String what, Object... args) {
    Instant now = Instant.now();
    out.printf(
        "%s  +%6.3fs  %s%n",
        CLOCK.format(LocalTime.ofInstant(now, ZoneId.systemDefault())),
        Duration.between(start, now).toMillis() / 1000.0,
        what.formatted(args));
  }

  void section(String title) {
    out.println();
    out.println("== " + title + " " + "=".repeat(Math.max(0, 76 - title.length())));
  }

  void text(String block) {
    out.println(block);
  }
}
