package dev.schemagate.schema;

import java.util.List;

/** Formatting shared by the report's sentences, kept in one place so they stay alike. */
final class ReportText {

  /**
   * Items shown per list in the message: it is for people and must stay readable when thousands of
   * objects are missing.
   */
  static final int MAX_ITEMS = 20;

  /**
   * Entries kept per list in status ({@code missingTables}, {@code missingColumns}, ...), the first
   * ones in requirement order; a count says how many there are in all. The whole status must stay
   * far below what the API server accepts in one object when thousands of objects are missing.
   */
  static final int STATUS_MAX_ITEMS = 100;

  /** Characters of the message at most: it goes into status, conditions and Events. */
  static final int MESSAGE_LIMIT = 4096;

  /** Room kept for the closing {@code "; ... N more problems"}. */
  private static final int SUFFIX_ROOM = 64;

  private ReportText() {}

  /** {@code [a, b, c]}, cut after {@link #MAX_ITEMS} with a count of the rest. */
  static String list(List<String> items) {
    return "[" + items(items) + "]";
  }

  /** {@code a, b, c}, cut after {@link #MAX_ITEMS} with a count of the rest. */
  static String items(List<String> items) {
    if (items.size() <= MAX_ITEMS) {
      return String.join(", ", items);
    }
    return String.join(", ", items.subList(0, MAX_ITEMS))
        + ", ... "
        + (items.size() - MAX_ITEMS)
        + " more";
  }

  /** The first {@link #STATUS_MAX_ITEMS} items. */
  static List<String> head(List<String> items) {
    return items.size() <= STATUS_MAX_ITEMS
        ? items
        : List.copyOf(items.subList(0, STATUS_MAX_ITEMS));
  }

  /** How many items there are in all when {@link #head} cuts the list, else null. */
  static Integer totalIfCut(List<String> items) {
    return items.size() > STATUS_MAX_ITEMS ? items.size() : null;
  }

  /**
   * The problems joined with {@code "; "}, at most {@link #MESSAGE_LIMIT} characters: problems that
   * do not fit are counted ({@code "; ... 3 more problems, see status.schema"}); a first problem
   * longer than the limit on its own is cut, with {@code "..."}.
   */
  static String join(List<String> problems) {
    StringBuilder out = new StringBuilder();
    int shown = 0;
    for (String problem : problems) {
      String separator = shown == 0 ? "" : "; ";
      if (out.length() + separator.length() + problem.length() > MESSAGE_LIMIT - SUFFIX_ROOM) {
        break;
      }
      out.append(separator).append(problem);
      shown++;
    }
    if (shown == problems.size()) {
      return out.toString();
    }
    if (shown == 0) {
      out.append(cut(problems.get(0), MESSAGE_LIMIT - SUFFIX_ROOM - 3)).append("...");
      shown = 1;
    }
    int rest = problems.size() - shown;
    if (rest > 0) {
      out.append("; ... ")
          .append(count(rest, "more problem", "more problems"))
          .append(", see status.schema");
    }
    return out.toString();
  }

  /** At most {@code max} characters of {@code text}, never half a surrogate pair. */
  private static String cut(String text, int max) {
    if (text.length() <= max) {
      return text;
    }
    int end = Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
    return text.substring(0, end);
  }

  /** {@code 1 table}, {@code 2 tables}. */
  static String count(int n, String singular, String plural) {
    return n + " " + (n == 1 ? singular : plural);
  }
}
