package dev.schemagate.masking;

import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Optional;
import java.util.Set;

/**
 * The one place every log line, Event, status message and exception message passes through before
 * it leaves the process.
 *
 * <p>Three layers, each failing closed (hiding too much rather than too little):
 *
 * <ol>
 *   <li>structure: passwords in URLs ({@code postgresql://u:***@host/db}), libpq key/value strings,
 *       {@code password=...} pairs, {@code user:password@host} tokens, private keys;
 *   <li>names: values of variables whose names look secret are hidden entirely;
 *   <li>known values: a masker made with {@link #withKnownSecrets} also hides the exact values read
 *       from Secrets wherever they appear, raw or percent-encoded.
 * </ol>
 *
 * Instances are immutable and thread-safe.
 */
public final class Masker {

  /** What every hidden value is replaced with. */
  public static final String MASK = "***";

  private static final Masker STANDARD = new Masker(KnownSecrets.NONE);

  /**
   * How many characters before a cut {@link #maskTextFrom} reads to find the name or start of a
   * secret whose value lies after it.
   */
  public static final int CUT_CONTEXT = 1024;

  /** Exception chains longer than this are cut; a cycle ends the chain earlier. */
  private static final int MAX_CAUSES = 10;

  private final KnownSecrets known;

  private Masker(KnownSecrets known) {
    this.known = known;
  }

  /** A masker that knows no secret values, only the shapes secrets come in. */
  public static Masker standard() {
    return STANDARD;
  }

  /**
   * A masker that also hides these exact values (shorter than 4 characters are ignored). A value
   * that is a connection URL contributes its password and secret parameters.
   */
  public static Masker withKnownSecrets(Collection<String> secretValues) {
    return STANDARD.plusKnownSecrets(secretValues);
  }

  /**
   * One masker that knows the values of all of these, without working them out again: merging is a
   * set union, cheaper by far than {@link #withKnownSecrets} over all their values (which parses
   * every connection URL).
   */
  public static Masker combining(Collection<Masker> maskers) {
    return new Masker(KnownSecrets.union(maskers.stream().map(m -> m.known).toList()));
  }

  /** This masker plus more known secret values. */
  public Masker plusKnownSecrets(Collection<String> secretValues) {
    if (secretValues == null || secretValues.isEmpty()) {
      return this;
    }
    return new Masker(known.plus(KnownSecrets.of(secretValues)));
  }

  /**
   * A connection URL or libpq key/value string for display: scheme, user, hosts, ports, database
   * and harmless parameters kept, password and secret parameters replaced by {@value #MASK}. Input
   * that is not a connection string is masked as free text.
   */
  public String maskUrl(String url) {
    if (url == null) {
      return null;
    }
    Optional<Redactions> redactions = ConnectionStringMasking.redactions(url, false);
    String masked = redactions.isPresent() ? redactions.get().applyTo(url) : TextMasking.mask(url);
    return known.apply(masked);
  }

  /**
   * An environment variable's value for display.
   *
   * <ul>
   *   <li>a name that looks secret (DB_PASSWORD, API_KEY, ...): {@value #MASK};
   *   <li>a connection string: as {@link #maskUrl}; from a Secret, a URL that is not a database's
   *       also hides its path and query (webhook URLs carry their secret there);
   *   <li>any other value from a Secret: {@value #MASK};
   *   <li>anything else: shown, masked as free text.
   * </ul>
   */
  public String maskEnvValue(String name, String value, boolean fromSecret) {
    if (value == null || value.isEmpty()) {
      return value;
    }
    if (SecretNames.looksSecret(name)) {
      return MASK;
    }
    Optional<Redactions> connection = ConnectionStringMasking.redactions(value, fromSecret);
    if (connection.isPresent()) {
      return known.apply(connection.get().applyTo(value));
    }
    if (fromSecret) {
      return MASK;
    }
    return maskText(value);
  }

  /** Free text with every secret found in it replaced by {@value #MASK}. */
  public String maskText(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    return known.apply(TextMasking.mask(text));
  }

  /**
   * The end of {@code text} from {@code from} on, masked, for text that is cut there (the last
   * bytes of a log). It hides everything {@link #maskText} would hide in the part kept on its own,
   * and also a secret that starts or is named up to {@value #CUT_CONTEXT} characters before the
   * cut: of {@code "password: hunter2"} cut before {@code "hunter2"}, only {@value #MASK} is kept.
   */
  public String maskTextFrom(String text, int from) {
    if (text == null || from <= 0) {
      return maskText(text);
    }
    if (from >= text.length()) {
      return "";
    }
    int context = Math.max(0, from - CUT_CONTEXT);
    Redactions r = new Redactions();
    TextMasking.redact(text, context, text.length(), r);
    TextMasking.redact(text, from, text.length(), r);
    known.redact(text, context, text.length(), r);
    return known.apply(r.applyFrom(text, from));
  }

  /**
   * {@code PSQLException: msg; caused by: UnknownHostException: msg}, each message masked. For
   * status messages and Events, where a stack trace does not belong.
   */
  public String maskThrowable(Throwable throwable) {
    if (throwable == null) {
      return null;
    }
    StringBuilder out = new StringBuilder();
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    Throwable t = throwable;
    for (int depth = 0; t != null && depth < MAX_CAUSES && seen.add(t); depth++) {
      if (depth > 0) {
        out.append("; caused by: ");
      }
      String name = t.getClass().getSimpleName();
      out.append(name.isEmpty() ? t.getClass().getName() : name);
      String message = t.getMessage();
      boolean repeatsCause = t.getCause() != null && t.getCause().toString().equals(message);
      if (message != null && !message.isBlank() && !repeatsCause) {
        out.append(": ").append(maskText(message));
      }
      t = t.getCause();
    }
    return out.toString();
  }

  /** Never lists the known secrets, only how many forms of them there are. */
  @Override
  public String toString() {
    return "Masker[knownSecretForms=" + known.size() + "]";
  }
}
