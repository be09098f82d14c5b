package dev.schemagate.secrets;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds secrets in free text (log tails, exception and status messages): URLs with credentials,
 * {@code user:password@host} without a scheme (how pgjdbc's {@code UnknownHostException} shows a
 * misplaced userinfo), {@code password=...}, {@code "token": "..."}, {@code Authorization: Bearer
 * ...} and PEM private keys. Each finding errs towards hiding more than strictly necessary.
 */
final class TextMasking {

  private static final Pattern PEM_PRIVATE_KEY =
      Pattern.compile(
          "-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----(.*?)(?:-----END \\1PRIVATE KEY-----|\\z)",
          Pattern.DOTALL);

  /**
   * A name, optionally closed by a quote (also an escaped one, as in JSON inside JSON), then {@code
   * =} or {@code :}. A {@code :} only counts after a quoted name or before a space, so that {@code
   * TokenStore.java:42} in a stack trace is not taken for a pair.
   */
  private static final Pattern PAIR =
      Pattern.compile(
          "(?<![A-Za-z0-9_.])([A-Za-z_][A-Za-z0-9_.\\-]*)(\\\\?[\"'])?([ \\t]*)([=:])([ \\t]*)");

  private static final Pattern AUTH_SCHEME =
      Pattern.compile("(?i)(?:Bearer|Basic|Token|Digest)[ \\t]+");

  private TextMasking() {}

  static String mask(String text) {
    Redactions r = new Redactions();
    redact(text, 0, text.length(), r);
    return r.applyTo(text);
  }

  /** Marks the secrets found in {@code text[from, to)}. */
  static void redact(String text, int from, int to, Redactions r) {
    List<Span> urls = new ArrayList<>(); // in text order: urls() finds them left to right
    privateKeys(text, from, to, r);
    urls(text, from, to, r, urls);
    bareUserinfo(text, from, to, r, urls);
    pairs(text, from, to, r, urls);
  }

  private static void privateKeys(String text, int from, int to, Redactions r) {
    Matcher m = PEM_PRIVATE_KEY.matcher(text).region(from, to);
    while (m.find()) {
      r.add(new Span(m.start(2), m.end(2)));
    }
  }

  private static void urls(String text, int from, int to, Redactions r, List<Span> urls) {
    Matcher m = UrlSplitter.SCHEME.matcher(text);
    int pos = from;
    while (pos < to && m.find(pos) && m.end() <= to) {
      int limit = m.end();
      while (limit < to && !Character.isWhitespace(text.charAt(limit))) {
        limit++;
      }
      if (insideBareUserinfo(text, from, m.start(), m.end(), limit)) {
        // "user:pa://ss@host": the "scheme" is part of a password; bareUserinfo() masks all of it.
        pos = m.end();
        continue;
      }
      UrlParts parts = UrlSplitter.split(text, m.start(), limit, true);
      UrlMasking.redact(parts, r, false);
      urls.add(parts.whole());
      pos = Math.max(parts.whole().end(), m.end());
    }
  }

  /**
   * True when a scheme found at {@code schemeStart} sits right after a {@code :} inside a token
   * that also has an {@code @} after it: {@code user:pass://word@host}, where "{@code pass://}" is
   * a password that merely looks like a URL's start.
   */
  private static boolean insideBareUserinfo(
      String text, int from, int schemeStart, int schemeEnd, int tokenEnd) {
    if (schemeStart <= from || text.charAt(schemeStart - 1) != ':') {
      return false;
    }
    int at = text.indexOf('@', schemeEnd);
    return at >= 0 && at < tokenEnd;
  }

  /**
   * {@code user:password@host} with no scheme: the token's first {@code :} to the last {@code @}
   * that is followed by a host list.
   */
  private static void bareUserinfo(String text, int from, int to, Redactions r, List<Span> urls) {
    int at = text.indexOf('@', from);
    while (at >= 0 && at < to) {
      int start = at;
      while (start > from && !Character.isWhitespace(text.charAt(start - 1))) {
        start--;
      }
      int end = at;
      while (end < to && !Character.isWhitespace(text.charAt(end))) {
        end++;
      }
      int colon = start;
      while (colon < at && text.charAt(colon) != ':') {
        colon++;
      }
      if (colon < at && !inside(urls, start) && !inside(urls, at)) {
        for (int i = text.lastIndexOf('@', end - 1); i > colon; i = text.lastIndexOf('@', i - 1)) {
          if (UrlSplitter.hosts(text, i + 1, end, true, new ArrayList<>()) > i + 1) {
            r.add(new Span(colon + 1, i));
            break;
          }
        }
      }
      at = text.indexOf('@', end);
    }
  }

  private static void pairs(String text, int from, int to, Redactions r, List<Span> urls) {
    Matcher m = PAIR.matcher(text).region(from, to);
    while (m.find()) {
      boolean quotedName = m.group(2) != null;
      if (m.group(4).equals(":") && !quotedName && m.group(5).isEmpty()) {
        continue;
      }
      if (inside(urls, m.start(1)) || !SecretNames.looksSecret(m.group(1))) {
        continue;
      }
      char before = m.start(1) > 0 ? text.charAt(m.start(1) - 1) : ' ';
      r.add(value(text, m.end(), to, before == '?' || before == '&'));
    }
  }

  /** The value starting at {@code i}: quoted (quotes kept visible) or up to whitespace. */
  private static Span value(String text, int i, int to, boolean inQuery) {
    if (i >= to) {
      return null;
    }
    char c = text.charAt(i);
    if (c == '\\' && i + 1 < to && (text.charAt(i + 1) == '"' || text.charAt(i + 1) == '\'')) {
      int end = text.indexOf("\\" + text.charAt(i + 1), i + 2);
      return new Span(i + 2, end < 0 || end > to ? to : end);
    }
    if (c == '"' || c == '\'') {
      // The closing quote is an unescaped one that ends a token. A quote followed by more text is
      // taken as part of the value: that is how a libpq \' looks once escaped again inside JSON.
      int j = i + 1;
      while (j < to && !(text.charAt(j) == c && endsQuotedValue(text, j + 1, to))) {
        j += text.charAt(j) == '\\' ? 2 : 1;
      }
      return new Span(i + 1, Math.min(j, to));
    }
    Matcher scheme = AUTH_SCHEME.matcher(text).region(i, to);
    int start = scheme.lookingAt() ? scheme.end() : i;
    int j = start;
    while (j < to
        && !Character.isWhitespace(text.charAt(j))
        && !(inQuery && text.charAt(j) == '&')) {
      j++;
    }
    return new Span(start, j);
  }

  private static boolean endsQuotedValue(String text, int next, int to) {
    return next >= to
        || Character.isWhitespace(text.charAt(next))
        || ",;})]&\"'`".indexOf(text.charAt(next)) >= 0;
  }

  /** Whether {@code index} lies in one of {@code spans}, which are sorted and do not overlap. */
  private static boolean inside(List<Span> spans, int index) {
    int low = 0;
    int high = spans.size() - 1;
    while (low <= high) {
      int mid = (low + high) >>> 1;
      Span s = spans.get(mid);
      if (index < s.start()) {
        high = mid - 1;
      } else if (index >= s.end()) {
        low = mid + 1;
      } else {
        return true;
      }
    }
    return false;
  }
}
