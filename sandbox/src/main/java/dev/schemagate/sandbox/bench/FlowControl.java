package dev.schemagate.sandbox.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The kube-apiserver's API Priority and Fairness figures per priority level, read from its
 * Prometheus text at /metrics: requests dispatched, time they waited in queues, requests rejected
 * (429), and the level's concurrency limit in seats.
 */
final class FlowControl {

  private static final String DISPATCHED = "apiserver_flowcontrol_dispatched_requests_total";
  private static final String WAIT = "apiserver_flowcontrol_request_wait_duration_seconds";
  private static final String REJECTED = "apiserver_flowcontrol_rejected_requests_total";
  private static final String SEATS = "apiserver_flowcontrol_nominal_limit_seats";
  private static final Pattern LEVEL = Pattern.compile("priority_level=\"([^\"]*)\"");

  private FlowControl() {}

  /** One priority level; {@code seats} is a gauge, the rest are counters. */
  record Level(double requests, double waitSeconds, double rejected, double seats) {

    Level plus(Level other) {
      return new Level(
          requests + other.requests,
          waitSeconds + other.waitSeconds,
          rejected + other.rejected,
          Math.max(seats, other.seats));
    }

    Level minus(Level earlier) {
      return new Level(
          requests - earlier.requests,
          waitSeconds - earlier.waitSeconds,
          rejected - earlier.rejected,
          seats);
    }
  }

  /** Priority level name to its figures. */
  static Map<String, Level> parse(String metrics) {
    Map<String, Level> levels = new TreeMap<>();
    for (String line : metrics.split("\n")) {
      if (line.startsWith("#") || line.isBlank()) {
        continue;
      }
      Matcher level = LEVEL.matcher(line);
      if (!level.find()) {
        continue;
      }
      double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      Level figures;
      if (line.startsWith(DISPATCHED + "{")) {
        figures = new Level(value, 0, 0, 0);
      } else if (line.startsWith(WAIT + "_sum{")) {
        figures = new Level(0, value, 0, 0);
      } else if (line.startsWith(REJECTED + "{")) {
        figures = new Level(0, 0, value, 0);
      } else if (line.startsWith(SEATS + "{")) {
        figures = new Level(0, 0, 0, value);
      } else {
        continue;
      }
      levels.merge(level.group(1), figures, Level::plus);
    }
    return levels;
  }

  /** {@code now - earlier} per level, only levels that saw requests. */
  static Map<String, Level> since(Map<String, Level> earlier, Map<String, Level> now) {
    Map<String, Level> diff = new TreeMap<>();
    now.forEach(
        (name, level) -> {
          Level d = level.minus(earlier.getOrDefault(name, new Level(0, 0, 0, 0)));
          if (d.requests() > 0 || d.rejected() > 0) {
            diff.put(name, d);
          }
        });
    return diff;
  }

  /** e.g. {@code workload-low: 12000 requests, waited 0.4 s in all, 0 rejected, 245 seats}. */
  static String describe(Map<String, Level> levels) {
    if (levels.isEmpty()) {
      return "no requests";
    }
    StringBuilder text = new StringBuilder();
    levels.forEach(
        (name, l) ->
            text.append(text.length() == 0 ? "" : "; ")
                .append(
                    String.format(
                        "%s: %.0f requests, waited %.2f s in all, %.0f rejected, limit %.0f seats",
                        name, l.requests(), l.waitSeconds(), l.rejected(), l.seats())));
    return text.toString();
  }
}
