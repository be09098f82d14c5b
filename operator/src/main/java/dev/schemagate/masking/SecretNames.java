package dev.schemagate.masking;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Decides whether a name (environment variable, URL parameter, JSON key, ...) names a secret.
 *
 * <p>Names are split into words at {@code _ - .}, other punctuation and camelCase boundaries
 * ({@code DB_PASSWORD}, {@code sslPassword}, {@code x-api-key} all split). Unambiguous fragments
 * such as PASSWORD or TOKEN count anywhere, also inside a word ({@code sslpassword}); short words
 * such as KEY or AUTH only as a whole word, so {@code KEYBOARD_LAYOUT} stays visible. A name whose
 * last word says it holds a reference rather than the secret ({@code PASSWORD_FILE}, {@code
 * urlSecretRef}, {@code TOKEN_URL}), a moment ({@code password_reset_at}) or where the secret is
 * read from ({@code --password-stdin}) is not secret; its value still passes the URL and text
 * maskers.
 */
public final class SecretNames {

  private static final List<String> SECRET_FRAGMENTS =
      List.of(
          "PASSWORD",
          "PASSWD",
          "PASSPHRASE",
          "SECRET",
          "TOKEN",
          "CREDENTIAL",
          "APIKEY",
          "PRIVATEKEY");

  private static final Set<String> SECRET_WORDS =
      Set.of(
          "KEY",
          "KEYS",
          "PWD",
          "PASS",
          "PW",
          "AUTH",
          "AUTHORIZATION",
          "PRIVATE",
          "SIGNATURE",
          "SALT",
          "COOKIE",
          "JWT",
          "CREDS",
          "BEARER");

  private static final Set<String> REFERENCE_WORDS =
      Set.of(
          "REF",
          "REFS",
          "NAME",
          "NAMES",
          "FILE",
          "PATH",
          "DIR",
          "URL",
          "URI",
          "HOST",
          "PORT",
          "ENDPOINT",
          "TTL",
          "TIMEOUT",
          "LENGTH",
          "ENABLED",
          "EXPIRY",
          "TYPE",
          "AT",
          "STDIN");

  private static final Pattern CAMEL = Pattern.compile("(?<=[a-z0-9])(?=[A-Z])");
  private static final Pattern CAMEL_AFTER_ACRONYM = Pattern.compile("(?<=[A-Z])(?=[A-Z][a-z])");
  private static final Pattern NOT_ALPHANUMERIC = Pattern.compile("[^A-Za-z0-9]+");

  private SecretNames() {}

  public static boolean looksSecret(String name) {
    if (name == null) {
      return false;
    }
    List<String> words = words(name);
    if (words.isEmpty() || REFERENCE_WORDS.contains(words.get(words.size() - 1))) {
      return false;
    }
    for (String word : words) {
      if (SECRET_WORDS.contains(word)) {
        return true;
      }
      for (String fragment : SECRET_FRAGMENTS) {
        if (word.contains(fragment)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Upper-case words of a name: {@code "sslPassword_file"} gives {@code [SSL, PASSWORD, FILE]}. */
  static List<String> words(String name) {
    String spaced =
        CAMEL_AFTER_ACRONYM.matcher(CAMEL.matcher(name).replaceAll(" ")).replaceAll(" ");
    List<String> words = new ArrayList<>();
    for (String w : NOT_ALPHANUMERIC.split(spaced)) {
      if (!w.isEmpty()) {
        words.add(w.toUpperCase(Locale.ROOT));
      }
    }
    return words;
  }
}
