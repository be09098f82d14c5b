package dev.schemagate.masking;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Exact secret values (resolved from Secrets) to hide wherever they appear, also percent-encoded.
 *
 * <p>A value that is a connection string contributes only its secret parts (password, secret
 * parameters): its host and database are what a reader of the message needs to see, and the
 * structural maskers already hide its password wherever the URL itself appears.
 */
final class KnownSecrets {

  /** Shorter values would hide ordinary words and numbers all over the text. */
  static final int MIN_LENGTH = 4;

  static final KnownSecrets NONE = new KnownSecrets(List.of());

  /** Longest first, so that a secret containing another is replaced as a whole. */
  private final List<String> needles;

  private KnownSecrets(List<String> needles) {
    this.needles = needles;
  }

  static KnownSecrets of(Collection<String> values) {
    Set<String> needles = new LinkedHashSet<>();
    for (String value : values) {
      if (value != null) {
        for (String secret : secretParts(value)) {
          addForms(needles, secret);
        }
      }
    }
    List<String> sorted = new ArrayList<>(needles);
    sorted.sort(Comparator.comparingInt(String::length).reversed());
    return new KnownSecrets(List.copyOf(sorted));
  }

  KnownSecrets plus(KnownSecrets other) {
    return union(List.of(this, other));
  }

  static KnownSecrets union(Collection<KnownSecrets> all) {
    Set<String> merged = new LinkedHashSet<>();
    for (KnownSecrets known : all) {
      merged.addAll(known.needles);
    }
    List<String> sorted = new ArrayList<>(merged);
    sorted.sort(Comparator.comparingInt(String::length).reversed());
    return new KnownSecrets(List.copyOf(sorted));
  }

  int size() {
    return needles.size();
  }

  String apply(String text) {
    if (text == null) {
      return null;
    }
    for (String needle : needles) {
      if (text.contains(needle)) {
        text = text.replace(needle, Masker.MASK);
      }
    }
    return text;
  }

  /** Marks every occurrence of a known secret that lies in {@code text[from, to)}. */
  void redact(String text, int from, int to, Redactions r) {
    for (String needle : needles) {
      for (int i = text.indexOf(needle, from);
          i >= 0 && i + needle.length() <= to;
          i = text.indexOf(needle, i + needle.length())) {
        r.add(new Span(i, i + needle.length()));
      }
    }
  }

  private static List<String> secretParts(String value) {
    Optional<Redactions> connection = ConnectionStringMasking.redactions(value, true);
    if (connection.isPresent()) {
      return connection.get().texts(value);
    }
    List<String> parts = new ArrayList<>();
    parts.add(value);
    parts.add(value.strip());
    if (value.strip().contains("\n")) {
      // Multi-line secrets (keys, JSON credentials) appear in logs a line at a time.
      for (String line : value.split("\\R")) {
        if (line.strip().length() >= 2 * MIN_LENGTH) {
          parts.add(line.strip());
        }
      }
    }
    return parts;
  }

  private static void addForms(Set<String> needles, String secret) {
    Set<String> plain = new LinkedHashSet<>();
    plain.add(secret);
    if (secret.length() >= 2 && secret.startsWith("'") && secret.endsWith("'")) {
      // A quoted libpq value: the password itself is the unescaped text between the quotes.
      plain.add(secret.substring(1, secret.length() - 1).replaceAll("\\\\(.)", "$1"));
    }
    for (String p : List.copyOf(plain)) {
      plain.add(PercentCoding.decode(p, false));
      plain.add(PercentCoding.decode(p, true));
    }
    for (String p : plain) {
      String encoded = PercentCoding.encode(p);
      for (String form :
          List.of(
              p,
              encoded,
              lowerCaseHex(encoded),
              URLEncoder.encode(p, StandardCharsets.UTF_8),
              // as written inside JSON strings and quoted libpq values
              p.replace("\\", "\\\\").replace("\"", "\\\""),
              p.replace("\\", "\\\\").replace("'", "\\'"))) {
        if (form.length() >= MIN_LENGTH) {
          needles.add(form);
        }
      }
    }
  }

  private static String lowerCaseHex(String encoded) {
    StringBuilder out = new StringBuilder(encoded);
    for (int i = encoded.indexOf('%'); i >= 0; i = encoded.indexOf('%', i + 1)) {
      out.replace(i + 1, i + 3, encoded.substring(i + 1, i + 3).toLowerCase(Locale.ROOT));
    }
    return out.toString();
  }

  @Override
  public String toString() {
    return "KnownSecrets[" + needles.size() + " forms]";
  }
}
