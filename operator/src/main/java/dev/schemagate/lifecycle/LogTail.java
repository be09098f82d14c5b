package dev.schemagate.lifecycle;

import dev.schemagate.masking.Masker;

/**
 * What of a failed migration pod's log goes into {@code status.migration.logTail}: its last {@value
 * #MAX_LINES} lines, of them at most the last {@value #MAX_BYTES} bytes (UTF-8), masked. Both
 * bounds are kept here and nowhere else.
 *
 * <p>The log is cut first, so that the masker reads a few KiB however long the log is. The cut is
 * made at a line start: the partial first line is dropped, it could hold half a secret. Only when
 * the last line alone is longer than the bound is it cut inside, at the start of a word. Then
 * {@link Masker#maskTextFrom} masks what is kept, looking back across the cut, so that a secret
 * whose name or start was cut off ({@code "password: "} dropped, {@code "hunter2"} kept) is hidden
 * too. A first line {@code "... (N bytes cut)"} says how much was left out.
 */
final class LogTail {

  static final int MAX_LINES = 50;
  static final int MAX_BYTES = 8 * 1024;

  private LogTail() {}

  static String of(String log, Masker masker) {
    if (log == null || log.isEmpty()) {
      return log;
    }
    int cut = cutPoint(log, lastLines(log, MAX_LINES), MAX_BYTES);
    String kept = masker.maskTextFrom(log, cut);
    long cutBytes = utf8Length(log, 0, cut);
    if (utf8Length(kept, 0, kept.length()) > MAX_BYTES) {
      // Masking made it longer ("***" for a shorter value). What is masked can be cut anywhere.
      int again = cutPoint(kept, 0, MAX_BYTES);
      cutBytes += utf8Length(kept, 0, again);
      kept = kept.substring(again);
    }
    return cutBytes == 0 ? kept : "... (" + cutBytes + " bytes cut)\n" + kept;
  }

  /** Where the last {@code lines} lines of {@code text} start; a final newline starts none. */
  private static int lastLines(String text, int lines) {
    int end = text.endsWith("\n") ? text.length() - 1 : text.length();
    int count = 0;
    for (int i = end - 1; i >= 0; i--) {
      if (text.charAt(i) == '\n' && ++count == lines) {
        return i + 1;
      }
    }
    return 0;
  }

  /**
   * Where to cut {@code text} so that what follows is at most {@code maxBytes}: {@code start} if
   * that fits, else the first line start among the last {@code maxBytes} bytes, else (one long
   * line) the first word start among them.
   */
  private static int cutPoint(String text, int start, int maxBytes) {
    int i = text.length();
    long bytes = 0;
    while (i > start) {
      int codePoint = text.codePointBefore(i);
      bytes += utf8Length(codePoint);
      if (bytes > maxBytes) {
        break;
      }
      i -= Character.charCount(codePoint);
    }
    if (i == start || text.charAt(i - 1) == '\n') {
      return i;
    }
    int newline = text.indexOf('\n', i);
    if (newline >= 0 && newline + 1 < text.length()) {
      return newline + 1;
    }
    if (!Character.isWhitespace(text.charAt(i - 1))) {
      while (i < text.length() && !Character.isWhitespace(text.charAt(i))) {
        i++;
      }
    }
    while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
      i++;
    }
    return i;
  }

  private static long utf8Length(String text, int from, int to) {
    long bytes = 0;
    for (int i = from; i < to; ) {
      int codePoint = text.codePointAt(i);
      bytes += utf8Length(codePoint);
      i += Character.charCount(codePoint);
    }
    return bytes;
  }

  private static int utf8Length(int codePoint) {
    if (codePoint < 0x80) {
      return 1;
    }
    if (codePoint < 0x800) {
      return 2;
    }
    return codePoint < 0x10000 ? 3 : 4;
  }
}
