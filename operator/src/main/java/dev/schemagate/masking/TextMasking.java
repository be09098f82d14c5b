package dev.schemagate.masking;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds secrets in free text (log tails, exception and status messages): URLs with credentials,
 * {@code user:password@host} without a scheme (how pgjdbc's {@code UnknownHostException} shows a
 * misplaced userinfo), {@code password=...}, {@code "token": "..."}, {@code secret => "..."},
 * {@code token:x}, {@code Authorization: Bearer ...}, PEM private keys (also the end of one whose
 * start was cut off), command line flags ({@code --password x}, {@code -W x}, MySQL's {@code -px}),
 * phrases ({@code password is: x}), XML elements ({@code <password>x</password>}) and the shapes of
 * well-known tokens (Stripe, GitHub, Slack, AWS access key ids, JWTs). Each finding errs towards
 * hiding more than strictly necessary.
 */
final class TextMasking {

  private static final Pattern PEM_PRIVATE_KEY =
      Pattern.compile(
          "-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----(.*?)(?:-----END \\1PRIVATE KEY-----|\\z)",
          Pattern.DOTALL);

  private static final Pattern PEM_PRIVATE_KEY_END =
      Pattern.compile("-----END [A-Z0-9 ]*PRIVATE KEY-----");

  private static final Pattern BASE64_LINE = Pattern.compile("[A-Za-z0-9+/=]+\r?");

  /**
   * A name, optionally closed by a quote (also an escaped one, as in JSON inside JSON), then {@code
   * =}, {@code :}, {@code =>} (Ruby, Perl, PHP), {@code :=} (Go) or {@code ==}. A {@code :} with no
   * space after it only counts after a quoted name or, see {@link #gluedColon}, a plain one, so
   * that {@code TokenStore.java:42} in a stack trace is not taken for a pair.
   */
  private static final Pattern PAIR =
      Pattern.compile(
          "(?<![A-Za-z0-9_.])([A-Za-z_][A-Za-z0-9_.\\-]*)(\\\\?[\"'])?([ \\t]*)(=>|:=|={1,3}|:)([ \\t]*)");

  /** What may stand right before a command line flag: a blank, a quote, {@code [ ( , =}. */
  private static final String FLAG_START = "(?<![^\\s\"'\\[(,=])";

  /**
   * A flag whose name is checked with {@link SecretNames}, then a blank (after a closing quote and
   * a comma in a JSON or YAML list of arguments): {@code --password x}, {@code -token x}, {@code
   * "--password", "x"}. The value follows; {@code --password=x} is a {@link #PAIR}. A one-dash word
   * with digits is a value glued to a letter ({@code -pS3cr3t}), not a name.
   */
  private static final Pattern FLAG =
      Pattern.compile(FLAG_START + "--?([A-Za-z][A-Za-z0-9_.\\-]*)([\"']?),?[ \\t]+");

  /**
   * psql's and pg_dump's {@code -W}: strictly a switch ("prompt for a password") that takes no
   * value, but scripts that pass the password after it are common, so the word after it is hidden.
   */
  private static final Pattern W_FLAG = Pattern.compile(FLAG_START + "-W([\"']?),?[ \\t]+");

  /** {@code -p} with a value glued to it: MySQL's password, or a port, or {@code -pv} & co. */
  private static final Pattern P_FLAG = Pattern.compile(FLAG_START + "-p(?=\\S)");

  /** A line that runs a MySQL or MariaDB client, where {@code -pX} is a password. */
  private static final Pattern MYSQL = Pattern.compile("(?i)mysql|mariadb|mycli");

  /** {@code -p5432}, {@code -p8080:80}, {@code -p127.0.0.1:80:80/tcp}: a port. */
  private static final Pattern PORT_LIKE =
      Pattern.compile("[0-9]+(?:[.:][0-9]+)*(?:/(?:tcp|udp|sctp))?");

  /**
   * {@code -pv}, {@code -pxzf} (one-letter switches glued to {@code -p}), {@code -print}, {@code
   * -parallel} (a word): letters only.
   */
  private static final Pattern LETTERS = Pattern.compile("[A-Za-z][A-Za-z_\\-]*");

  /** A word that may start a phrase ending in {@code :}, see {@link #phrases}. */
  private static final Pattern WORD =
      Pattern.compile("(?<![A-Za-z0-9_.\\-/])[A-Za-z][A-Za-z0-9_\\-]*");

  /** One to three plain words, then {@code :} and a blank: the end of {@code password is: x}. */
  private static final Pattern PHRASE_TAIL =
      Pattern.compile("((?:[ \\t]+[A-Za-z]+){1,3})[ \\t]*:[ \\t]+");

  /** Words that make a phrase say a secret is absent, so what follows names something else. */
  private static final Set<String> NEGATIONS = Set.of("not", "no", "missing");

  private static final String XML_NAME = "[A-Za-z_][A-Za-z0-9_.\\-]*";

  /** An opening tag, not right after a word ({@code List<Token>} is a Java type). */
  private static final Pattern XML_OPEN =
      Pattern.compile(
          "(?<![A-Za-z0-9_$.])<((?:" + XML_NAME + ":)?(" + XML_NAME + "))((?:\\s[^<>]*)?)>");

  private static final Pattern XML_CLOSE =
      Pattern.compile("</((?:" + XML_NAME + ":)?(" + XML_NAME + "))\\s*>");

  private static final Pattern XML_ATTRIBUTE =
      Pattern.compile(
          "(?<![A-Za-z0-9_.:\\-])(" + XML_NAME + ")\\s*=\\s*(?:\"([^\"]*)\"|'([^']*)')");

  /**
   * Tokens recognisable by their shape alone. Group {@code s} is hidden; a prefix outside it stays,
   * to say what kind of token it was.
   */
  private static final List<Pattern> TOKENS =
      List.of(
          // Stripe secret and restricted keys; publishable keys (pk_) are public by design.
          Pattern.compile("(?<![A-Za-z0-9_])[sr]k_(?:live|test)_(?<s>[A-Za-z0-9]{24,})"),
          // GitHub: personal, OAuth, user-to-server, server-to-server and refresh tokens.
          Pattern.compile("(?<![A-Za-z0-9_])gh[pousr]_(?<s>[A-Za-z0-9]{30,})"),
          Pattern.compile("(?<![A-Za-z0-9_])github_pat_(?<s>[A-Za-z0-9_]{22,})"),
          // AWS access key ids, long-lived and temporary.
          Pattern.compile("(?<![A-Za-z0-9])(?:AKIA|ASIA)(?<s>[0-9A-Z]{16})(?![A-Za-z0-9])"),
          // Slack webhooks (the path is the credential), also without the host, and API tokens.
          Pattern.compile(
              "hooks\\.slack\\.com/(?:services|workflows|triggers)/(?<s>[A-Za-z0-9_/\\-]+)"),
          Pattern.compile("/services/(?<s>T[A-Z0-9]{6,}/B[A-Z0-9]{6,}/[A-Za-z0-9]{16,})"),
          Pattern.compile("(?<![A-Za-z0-9_])xox[abposr]-(?<s>[A-Za-z0-9\\-]{10,})"),
          // SQL: CREATE/ALTER ROLE ... PASSWORD '...' (a migration's statement is shown when it
          // fails); '' is a quote inside the literal.
          Pattern.compile("(?i)(?<![A-Za-z0-9_])PASSWORD\\s+E?'(?<s>(?:[^']|'')+)'"),
          // JSON Web Tokens: header and payload are base64url JSON objects, the signature may be
          // empty.
          Pattern.compile(
              "(?<![A-Za-z0-9_\\-])(?<s>eyJ[A-Za-z0-9_\\-]+\\.eyJ[A-Za-z0-9_\\-]+\\.[A-Za-z0-9_\\-]*)"));

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
    flags(text, from, to, r, urls);
    phrases(text, from, to, r);
    xml(text, from, to, r);
    tokens(text, from, to, r);
  }

  private static void privateKeys(String text, int from, int to, Redactions r) {
    Matcher m = PEM_PRIVATE_KEY.matcher(text).region(from, to);
    List<Span> keys = new ArrayList<>();
    while (m.find()) {
      r.add(new Span(m.start(2), m.end(2)));
      keys.add(new Span(m.start(), m.end()));
    }
    Matcher end = PEM_PRIVATE_KEY_END.matcher(text).region(from, to);
    while (end.find()) {
      if (!inside(keys, end.start())) {
        r.add(new Span(keyLinesBefore(text, from, end.start()), end.start()));
      }
    }
  }

  /**
   * The start of the base64 lines right before an END line whose BEGIN line is not in the text (cut
   * off the top of a log tail): where the rest of the key starts.
   */
  private static int keyLinesBefore(String text, int from, int endLine) {
    int start = Math.max(from, text.lastIndexOf('\n', endLine - 1) + 1);
    if (!BASE64_LINE.matcher(text).region(start, endLine).matches() && start < endLine) {
      return endLine; // "key: -----END ...": nothing of the key before it on its line
    }
    while (start > from) {
      int lineEnd = start - 1; // the '\n' before the current first line
      int lineStart = Math.max(from, text.lastIndexOf('\n', lineEnd - 1) + 1);
      if (!BASE64_LINE.matcher(text).region(lineStart, lineEnd).matches()) {
        break;
      }
      start = lineStart;
    }
    return start;
  }

  private static void urls(String text, int from, int to, Redactions r, List<Span> urls) {
    Matcher m = UrlSplitter.SCHEME.matcher(text);
    int pos = from;
    while (pos < to && m.find(pos) && m.end() <= to) {
      int limit = m.end();
      while (limit < to && !Character.isWhitespace(text.charAt(limit))) {
        limit++;
      }
      if (insideBareUserinfo(text, from, m.start(), m.end(), limit)
          || UrlSplitter.schemeNamesASecret(text, m.start(), m.end())) {
        // "user:pa://ss@host": the "scheme" is part of a password; bareUserinfo() masks all of it.
        // "token://x": a secret's name and its value; pairs() masks the value.
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
      if (m.group(4).equals(":")
          && !quotedName
          && m.group(5).isEmpty()
          && !gluedColon(text, m, to)) {
        continue;
      }
      if (inside(urls, m.start(1)) || !SecretNames.looksSecret(m.group(1))) {
        continue;
      }
      char before = m.start(1) > 0 ? text.charAt(m.start(1) - 1) : ' ';
      r.add(value(text, m.end(), to, before == '?' || before == '&'));
    }
  }

  /**
   * Whether {@code name:value}, with no blank on either side of the {@code :}, is a pair ({@code
   * token:x}, Go's {@code {Password:x}}). Not when the name has a dot (a file and line number,
   * {@code TokenStore.java:42}) or is the last part of a path (an image, {@code
   * ghcr.io/acme/secret-manager:v2}), nor {@code ::} ({@code token::Token}).
   */
  private static boolean gluedColon(String text, Matcher m, int to) {
    if (!m.group(3).isEmpty() || m.group(1).indexOf('.') >= 0 || m.end() >= to) {
      return false;
    }
    char before = m.start(1) > 0 ? text.charAt(m.start(1) - 1) : ' ';
    char after = text.charAt(m.end());
    return before != '/' && after != ':' && !Character.isWhitespace(after);
  }

  /** {@code --password x}, {@code -W x} and MySQL's {@code -px}. */
  private static void flags(String text, int from, int to, Redactions r, List<Span> urls) {
    Matcher m = FLAG.matcher(text).region(from, to);
    while (m.find()) {
      String name = m.group(1);
      boolean oneDash = m.start(1) < 2 || text.charAt(m.start(1) - 2) != '-';
      if (SecretNames.looksSecret(name)
          && !name.regionMatches(true, 0, "no-", 0, 3)
          && !(oneDash && name.chars().anyMatch(Character::isDigit))
          && !inside(urls, m.start())) {
        flagValue(text, m.end(), to, r);
      }
    }
    m = W_FLAG.matcher(text).region(from, to);
    while (m.find()) {
      if (!inside(urls, m.start())) {
        flagValue(text, m.end(), to, r);
      }
    }
    m = P_FLAG.matcher(text).region(from, to);
    while (m.find()) {
      Span value = value(text, m.end(), to, false);
      if (value == null || value.isEmpty() || inside(urls, m.start())) {
        continue;
      }
      char open = m.start() > from ? text.charAt(m.start() - 1) : ' ';
      if ((open == '"' || open == '\'') && text.charAt(value.end() - 1) == open) {
        value = new Span(value.start(), value.end() - 1); // '-psecret': the quote is not in it
      }
      if (gluedPassword(value.of(text), mysqlLine(text, m.start(), from, to))) {
        r.add(value);
      }
    }
  }

  /**
   * Whether {@code -p<value>} holds a password. On a line that names a MySQL or MariaDB client it
   * does ({@code -p123456} too), unless it is a port mapping ({@code docker run -p3306:3306
   * mysql}). Elsewhere the tool is unknown: a port ({@code psql -p5432}), letters ({@code mkdir
   * -pv}, {@code -print}) or a {@code name=value} flag ({@code -parallelism=4}, a {@link #PAIR})
   * stay; anything else, say {@code -pS3cr3t!}, is taken for a password.
   */
  private static boolean gluedPassword(String value, boolean mysql) {
    boolean port = PORT_LIKE.matcher(value).matches();
    if (mysql) {
      return !(port && value.indexOf(':') >= 0);
    }
    return !port && !LETTERS.matcher(value).matches() && value.indexOf('=') < 0;
  }

  /** The word after a flag, unless it is another flag. */
  private static void flagValue(String text, int i, int to, Redactions r) {
    if (i < to && text.charAt(i) != '-') {
      r.add(value(text, i, to, false));
    }
  }

  private static boolean mysqlLine(String text, int at, int from, int to) {
    int start = Math.max(from, text.lastIndexOf('\n', at) + 1);
    int end = text.indexOf('\n', at);
    return MYSQL.matcher(text).region(start, end < 0 || end > to ? to : end).find();
  }

  /**
   * A secret-looking word, one to three plain words, then {@code :} and a blank: {@code password
   * is: x}, {@code The api key for app is: x}. The phrase is judged as a name ({@code secret name:
   * app-db}, {@code token expired at: ...} are not secret) and must not say the secret is absent
   * ({@code Secret not found: prosaas-db}).
   */
  private static void phrases(String text, int from, int to, Redactions r) {
    Matcher word = WORD.matcher(text).region(from, to);
    Matcher tail = PHRASE_TAIL.matcher(text);
    while (word.find()) {
      tail.region(word.end(), to);
      if (!tail.lookingAt() || !SecretNames.looksSecret(word.group())) {
        continue;
      }
      String words = tail.group(1);
      if (SecretNames.looksSecret(word.group() + words) && !negated(words)) {
        r.add(value(text, tail.end(), to, false));
      }
    }
  }

  private static boolean negated(String words) {
    for (String w : words.trim().split("[ \\t]+")) {
      if (NEGATIONS.contains(w.toLowerCase(Locale.ROOT))) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code <password>x</password>} (any prefix; the content up to the closing tag, or without one
   * up to the next tag or line end), {@code <entry key="db.password">x</entry>}, {@code <property
   * name="password" value="x"/>}, and a closing tag whose opening one was cut off: {@code
   * x</password>}.
   */
  private static void xml(String text, int from, int to, Redactions r) {
    Matcher open = XML_OPEN.matcher(text).region(from, to);
    Set<Integer> closed = new HashSet<>();
    while (open.find()) {
      String attributes = open.group(3);
      boolean selfClosing = attributes.endsWith("/");
      boolean secret = SecretNames.looksSecret(open.group(2));
      Matcher attribute = XML_ATTRIBUTE.matcher(attributes);
      Span valueAttribute = null;
      while (attribute.find()) {
        String name = attribute.group(1);
        String value = attribute.group(2) != null ? attribute.group(2) : attribute.group(3);
        int group = attribute.group(2) != null ? 2 : 3;
        if ((name.equals("name") || name.equals("key")) && SecretNames.looksSecret(value)) {
          secret = true;
        } else if (name.equals("value")) {
          int base = open.start(3);
          valueAttribute = new Span(base + attribute.start(group), base + attribute.end(group));
        }
      }
      if (!secret) {
        continue;
      }
      if (valueAttribute != null) {
        r.add(valueAttribute);
      }
      if (selfClosing) {
        continue;
      }
      int close = closingTag(text, open.group(1), open.end(), to);
      if (close >= 0) {
        closed.add(close);
        r.add(new Span(open.end(), close));
      } else {
        int end = open.end();
        while (end < to && text.charAt(end) != '<' && text.charAt(end) != '\n') {
          end++;
        }
        r.add(new Span(open.end(), end));
      }
    }
    Matcher close = XML_CLOSE.matcher(text).region(from, to);
    while (close.find()) {
      if (!closed.contains(close.start())
          && SecretNames.looksSecret(close.group(2))
          && !text.startsWith(Masker.MASK, close.start() - Masker.MASK.length())) {
        // Its content on its line; unless already masked (by another rule, or an earlier pass).
        int lineStart = Math.max(from, text.lastIndexOf('\n', close.start() - 1) + 1);
        int afterTag = text.lastIndexOf('>', close.start() - 1) + 1;
        r.add(new Span(Math.max(lineStart, afterTag), close.start()));
      }
    }
  }

  /** Where {@code </name>} starts, or -1. */
  private static int closingTag(String text, String name, int from, int to) {
    String tag = "</" + name;
    for (int i = text.indexOf(tag, from); i >= 0 && i + tag.length() < to; ) {
      int j = i + tag.length();
      while (j < to && Character.isWhitespace(text.charAt(j))) {
        j++;
      }
      if (j < to && text.charAt(j) == '>') {
        return i;
      }
      i = text.indexOf(tag, i + 1);
    }
    return -1;
  }

  private static void tokens(String text, int from, int to, Redactions r) {
    for (Pattern token : TOKENS) {
      Matcher m = token.matcher(text).region(from, to);
      while (m.find()) {
        r.add(new Span(m.start("s"), m.end("s")));
      }
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
      while (j < to && !(text.charAt(j) == c && endsQuotedValue(text, j, to))) {
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

  /**
   * Whether the quote at {@code quote} closes a quoted value: also at the end of an XML attribute
   * ({@code key="x">}, {@code value="x"/>}) or a query parameter ({@code 'x'&next}). A quote right
   * after a backslash ends it only before a blank, the end of the text or the end of a JSON string
   * ({@code "}): inside JSON, libpq's escaped quote {@code \'} is written {@code \\'}, and a
   * password that starts with {@code '&} (or {@code ',}, ...) would otherwise show from its second
   * character on.
   */
  private static boolean endsQuotedValue(String text, int quote, int to) {
    int next = quote + 1;
    if (next >= to || Character.isWhitespace(text.charAt(next))) {
      return true;
    }
    String ends = text.charAt(quote - 1) == '\\' ? "\"" : ",;})]&\"'`>";
    return ends.indexOf(text.charAt(next)) >= 0 || text.startsWith("/>", next);
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
