package dev.schemagate.masking;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;

/**
 * Masks a value that is, as a whole, a connection string: a URL with {@code ://} (including {@code
 * jdbc:} URLs) or a libpq key/value string with a host or database.
 */
final class ConnectionStringMasking {

  private ConnectionStringMasking() {}

  /**
   * The parts of {@code value} to hide, or empty when it is not a connection string.
   *
   * @param hideLocation also hide path and query of URLs that do not name a database or broker
   */
  static Optional<Redactions> redactions(String value, boolean hideLocation) {
    int from = 0;
    int to = value.length();
    while (from < to && Character.isWhitespace(value.charAt(from))) {
      from++;
    }
    while (to > from && Character.isWhitespace(value.charAt(to - 1))) {
      to--;
    }
    Redactions r = new Redactions();
    Matcher scheme = UrlSplitter.SCHEME.matcher(value).region(from, to);
    if (scheme.lookingAt() && !UrlSplitter.schemeNamesASecret(value, from, scheme.end())) {
      UrlParts parts = UrlSplitter.split(value, from, to, false);
      UrlMasking.redact(parts, r, hideLocation);
      if (parts.whole().end() < to) {
        // Whatever follows the part we could read is checked like free text.
        TextMasking.redact(value, parts.whole().end(), to, r);
      }
      return Optional.of(r);
    }
    Optional<List<Conninfo.Entry>> entries = Conninfo.parse(value);
    if (entries.isPresent() && Conninfo.isConnectionString(entries.get())) {
      for (Conninfo.Entry e : entries.get()) {
        if (SecretNames.looksSecret(e.key())) {
          r.add(e.valueSpan());
        }
      }
      return Optional.of(r);
    }
    return Optional.empty();
  }
}
