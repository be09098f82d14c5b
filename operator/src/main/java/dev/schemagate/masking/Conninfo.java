package dev.schemagate.masking;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * libpq's key/value connection strings: {@code host=db port=5432 user=app password='a b\'c'}.
 * Parsed as libpq does: whitespace separates entries, spaces may surround {@code =}, single quotes
 * delimit values, and a backslash escapes the next character.
 */
public final class Conninfo {

  /** One {@code key=value}; {@code valueSpan} covers the value as written, quotes included. */
  public record Entry(String key, String value, Span valueSpan) {
    @Override
    public String toString() {
      return key + "=" + (SecretNames.looksSecret(key) ? Masker.MASK : value);
    }
  }

  /** Keys that only a connection string has; {@code a=b} alone is not one. */
  private static final Set<String> CONNECTION_KEYS =
      Set.of("host", "hostaddr", "dbname", "service");

  private Conninfo() {}

  /** The entries of {@code s}, or empty when {@code s} is not entirely {@code key=value} pairs. */
  public static Optional<List<Entry>> parse(String s) {
    List<Entry> entries = new ArrayList<>();
    int n = s.length();
    int i = skipSpace(s, 0);
    while (i < n) {
      int keyStart = i;
      while (i < n && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) {
        i++;
      }
      if (i == keyStart || !Character.isLetter(s.charAt(keyStart))) {
        return Optional.empty();
      }
      String key = s.substring(keyStart, i);
      i = skipSpace(s, i);
      if (i >= n || s.charAt(i) != '=') {
        return Optional.empty();
      }
      i = skipSpace(s, i + 1);
      int valueStart = i;
      StringBuilder value = new StringBuilder();
      if (i < n && s.charAt(i) == '\'') {
        i++;
        while (i < n && s.charAt(i) != '\'') {
          if (s.charAt(i) == '\\' && i + 1 < n) {
            i++;
          }
          value.append(s.charAt(i++));
        }
        if (i >= n) {
          return Optional.empty(); // unterminated quote
        }
        i++;
      } else {
        while (i < n && !Character.isWhitespace(s.charAt(i))) {
          if (s.charAt(i) == '\\' && i + 1 < n) {
            i++;
          }
          value.append(s.charAt(i++));
        }
      }
      entries.add(new Entry(key, value.toString(), new Span(valueStart, i)));
      if (i < n && !Character.isWhitespace(s.charAt(i))) {
        return Optional.empty();
      }
      i = skipSpace(s, i);
    }
    return entries.isEmpty() ? Optional.empty() : Optional.of(entries);
  }

  /** True when the entries describe a database connection rather than any settings. */
  static boolean isConnectionString(List<Entry> entries) {
    return entries.stream().anyMatch(e -> CONNECTION_KEYS.contains(e.key()));
  }

  private static int skipSpace(String s, int i) {
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    return i;
  }
}
