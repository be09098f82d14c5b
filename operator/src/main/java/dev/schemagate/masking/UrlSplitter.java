package dev.schemagate.masking;

import dev.schemagate.masking.UrlParts.Host;
import dev.schemagate.masking.UrlParts.Param;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Splits connection URLs into {@link UrlParts}.
 *
 * <p>Hand-written on purpose: {@code java.net.URI} rejects what real connection strings contain
 * (raw {@code @ # ? /} or spaces in passwords, several comma-separated hosts), and its error
 * messages echo the input, password included. The rule that makes raw passwords work is the one
 * Python's urllib and Lettuce use: the <em>last</em> {@code @} that is followed by a valid host
 * list ends the userinfo, and the userinfo's <em>first</em> {@code :} separates user and password.
 * A raw {@code @} in a query parameter is therefore ambiguous and must be percent-encoded; when in
 * doubt the split errs towards hiding more.
 */
public final class UrlSplitter {

  /** A scheme followed by {@code ://}, not in the middle of a word; {@code jdbc:} included. */
  static final Pattern SCHEME =
      Pattern.compile("(?<![A-Za-z0-9+.\\-])(?:jdbc:)?[A-Za-z][A-Za-z0-9+.\\-]*://");

  /** In free text, characters that cannot be part of a URL and so end it. */
  private static final String NOT_IN_URL = "\"'<>\\`{}|^";

  /** In free text, characters that end the host list besides {@code / ? #}. */
  private static final String ENDS_HOSTS_IN_TEXT = NOT_IN_URL + ")];:";

  private UrlSplitter() {}

  /**
   * True when the "scheme" matched at {@code [start, end)} is the name of a secret followed by its
   * value: {@code token://x} is {@code token:} and the value {@code //x}, not a URL whose scheme is
   * "token" (which would hide nothing of it).
   */
  static boolean schemeNamesASecret(String s, int start, int end) {
    String scheme = s.substring(start, end - "://".length());
    return SecretNames.looksSecret(scheme.startsWith("jdbc:") ? scheme.substring(5) : scheme);
  }

  /**
   * Splits the URL whose scheme starts at {@code from}. {@code limit} is the furthest it may reach:
   * the end of the value, or in free text the next whitespace.
   *
   * @param inText true when the URL is embedded in other text, so that quotes, brackets and similar
   *     end it; false when {@code [from, limit)} is the whole value
   */
  public static UrlParts split(String s, int from, int limit, boolean inText) {
    int separator = s.indexOf("://", from);
    String scheme = s.substring(from, separator);
    int authority = separator + 3;
    List<Host> hosts = new ArrayList<>();
    int at = -1;
    int hostsEnd = -1;
    for (int i = s.lastIndexOf('@', limit - 1); i >= authority; i = s.lastIndexOf('@', i - 1)) {
      hosts.clear();
      hostsEnd = hosts(s, i + 1, limit, inText, hosts);
      if (hostsEnd >= 0) {
        at = i;
        break;
      }
    }
    Span userinfo = null;
    Span user = null;
    Span password = null;
    if (at >= 0) {
      userinfo = new Span(authority, at);
      int colon = s.indexOf(':', authority);
      if (colon >= 0 && colon < at) {
        user = new Span(authority, colon);
        password = new Span(colon + 1, at);
      } else {
        user = userinfo;
      }
    } else {
      int lastAt = s.lastIndexOf('@', limit - 1);
      if (lastAt >= authority) {
        // Credentials, but no host after them that we understand: hide the whole userinfo.
        return new UrlParts(
            s,
            new Span(from, lastAt + 1),
            scheme,
            new Span(authority, lastAt),
            null,
            null,
            List.of(),
            null,
            null,
            List.of(),
            false);
      }
      hosts.clear();
      hostsEnd = hosts(s, authority, limit, inText, hosts);
      if (hostsEnd < 0) {
        hosts.clear();
        hostsEnd = authority;
        while (hostsEnd < limit
            && "/?#".indexOf(s.charAt(hostsEnd)) < 0
            && inUrl(s.charAt(hostsEnd), inText)) {
          hostsEnd++;
        }
      }
    }
    int i = hostsEnd;
    Span path = null;
    if (i < limit && s.charAt(i) == '/') {
      int start = ++i;
      while (i < limit && s.charAt(i) != '?' && inUrl(s.charAt(i), inText)) {
        i++;
      }
      path = new Span(start, i);
    }
    Span query = null;
    List<Param> params = List.of();
    if (i < limit && s.charAt(i) == '?') {
      int start = ++i;
      while (i < limit && inUrl(s.charAt(i), inText)) {
        i++;
      }
      query = new Span(start, i);
      params = params(s, query);
    }
    return new UrlParts(
        s,
        new Span(from, i),
        scheme,
        userinfo,
        user,
        password,
        List.copyOf(hosts),
        path,
        query,
        params,
        true);
  }

  /**
   * Reads {@code host[:port](,host[:port])*} at {@code i}, adding each to {@code out}. Hosts may be
   * empty (libpq's default host), bracketed IPv6 literals or percent-encoded socket paths.
   *
   * @return the index after the host list, or -1 when what follows cannot end a host list
   */
  static int hosts(String s, int i, int limit, boolean inText, List<Host> out) {
    while (true) {
      int start = i;
      if (i < limit && s.charAt(i) == '[') {
        int close = s.indexOf(']', i);
        if (close < 0 || close >= limit) {
          return -1;
        }
        for (int j = i + 1; j < close; j++) {
          if ("@/?#[".indexOf(s.charAt(j)) >= 0 || Character.isWhitespace(s.charAt(j))) {
            return -1;
          }
        }
        i = close + 1;
      } else {
        while (i < limit && isHostChar(s.charAt(i))) {
          i++;
        }
      }
      Span name = new Span(start, i);
      Span port = null;
      if (i < limit && s.charAt(i) == ':') {
        int portStart = ++i;
        while (i < limit && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
          i++;
        }
        port = new Span(portStart, i);
      }
      out.add(new Host(name, port));
      if (i < limit && s.charAt(i) == ',') {
        i++;
        continue;
      }
      if (i == limit || endsHosts(s.charAt(i), inText)) {
        return i;
      }
      return -1;
    }
  }

  private static List<Param> params(String s, Span query) {
    List<Param> params = new ArrayList<>();
    int start = query.start();
    while (start < query.end()) {
      int end = start;
      int eq = -1;
      while (end < query.end() && s.charAt(end) != '&') {
        if (eq < 0 && s.charAt(end) == '=') {
          eq = end;
        }
        end++;
      }
      if (end > start) {
        params.add(
            eq < 0
                ? new Param(new Span(start, end), null)
                : new Param(new Span(start, eq), new Span(eq + 1, end)));
      }
      start = end + 1;
    }
    return params;
  }

  private static boolean isHostChar(char c) {
    return Character.isLetterOrDigit(c) || c == '.' || c == '-' || c == '_' || c == '~' || c == '%';
  }

  private static boolean endsHosts(char c, boolean inText) {
    return c == '/'
        || c == '?'
        || c == '#'
        || (inText && (ENDS_HOSTS_IN_TEXT.indexOf(c) >= 0 || Character.isWhitespace(c)));
  }

  private static boolean inUrl(char c, boolean inText) {
    return !inText || (NOT_IN_URL.indexOf(c) < 0 && !Character.isWhitespace(c));
  }
}
