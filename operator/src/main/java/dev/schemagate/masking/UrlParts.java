package dev.schemagate.masking;

import java.util.List;

/**
 * The pieces of {@code scheme://[userinfo@]host[:port][,host[:port]...][/path][?query]} as
 * positions in the text they were found in. Nothing is decoded here.
 *
 * @param whole the URL as far as it could be read
 * @param scheme as written, e.g. {@code postgresql} or {@code jdbc:postgresql}
 * @param userinfo everything before the {@code @} that ends it; null when there is none
 * @param user the part of the userinfo before its first {@code :}; the whole userinfo if none
 * @param password the part of the userinfo after its first {@code :}; null when there is no {@code
 *     :}
 * @param hosts host and port of each comma-separated host
 * @param path after the {@code /} that follows the hosts; null when absent
 * @param query after the {@code ?}; null when absent
 * @param params the query's {@code name=value} pairs
 * @param userinfoReadable false when there is an {@code @} but no host list could be read after any
 *     of them: then the whole userinfo must be treated as secret and nothing else is known
 */
public record UrlParts(
    String source,
    Span whole,
    String scheme,
    Span userinfo,
    Span user,
    Span password,
    List<Host> hosts,
    Span path,
    Span query,
    List<Param> params,
    boolean userinfoReadable) {

  /** The URL masked: the source text holds the password. */
  @Override
  public String toString() {
    Redactions r = new Redactions();
    UrlMasking.redact(this, r, false);
    return "UrlParts[" + r.applyTo(whole.of(source)) + "]";
  }

  /** One host of the host list; {@code port} is null when there is no {@code :}. */
  public record Host(Span name, Span port) {}

  /** One query parameter; {@code value} is null when there is no {@code =}. */
  public record Param(Span name, Span value) {}
}
