package dev.schemagate.schema;

import java.util.List;

/** Formatting shared by the report's sentences, kept in one place so they stay alike. */
final class ReportText {

  /**
   * Items shown per list. Status keeps the complete lists; the message is for people and must stay
   * readable (and far below the API server's size limits) when thousands of objects are missing.
   */
  static final int MAX_ITEMS = 20;

  private ReportText() {}

  /** {@code [a, b, c]}, cut after {@link #MAX_ITEMS} with a count of the rest. */
  static String list(List<String> items) {
    if (items.size() <= MAX_ITEMS) {
      return "[" + String.join(", ", items) + "]";
    }
    return "["
        + String.join(", ", items.subList(0, MAX_ITEMS))
        + ", ... "
        + (items.size() - MAX_ITEMS)
        + " more]";
  }

  /** {@code 1 table}, {@code 2 tables}. */
  static String count(int n, String singular, String plural) {
    return n + " " + (n == 1 ? singular : plural);
  }
}
