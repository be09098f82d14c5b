package dev.schemagate.schema;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A Flyway version compared the way Flyway compares them: numerically, part by part, so {@code 117
 * > 99} and {@code 2.10 > 2.9}, and trailing zero parts do not count ({@code 1.0 == 1}). A text
 * comparison gets both wrong, which is how a history at 99 would pass a check for 117.
 */
public final class FlywayVersion implements Comparable<FlywayVersion> {

  private static final Pattern SEPARATOR = Pattern.compile("[._]");
  private static final Pattern SHAPE = Pattern.compile("[0-9]+([._][0-9]+)*");

  private final String text;
  private final List<BigInteger> parts;

  private FlywayVersion(String text, List<BigInteger> parts) {
    this.text = text;
    this.parts = parts;
  }

  /** Parses {@code 117}, {@code 2.10} or {@code 2_10}; empty for anything else. */
  public static Optional<FlywayVersion> parse(String text) {
    if (text == null || !SHAPE.matcher(text.strip()).matches()) {
      return Optional.empty();
    }
    List<BigInteger> parts =
        Arrays.stream(SEPARATOR.split(text.strip())).map(BigInteger::new).toList();
    return Optional.of(new FlywayVersion(text.strip(), parts));
  }

  @Override
  public int compareTo(FlywayVersion other) {
    int length = Math.max(parts.size(), other.parts.size());
    for (int i = 0; i < length; i++) {
      int c = part(i).compareTo(other.part(i));
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  private BigInteger part(int i) {
    return i < parts.size() ? parts.get(i) : BigInteger.ZERO;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FlywayVersion other && compareTo(other) == 0;
  }

  @Override
  public int hashCode() {
    int last = parts.size();
    while (last > 0 && parts.get(last - 1).signum() == 0) {
      last--;
    }
    return parts.subList(0, last).hashCode();
  }

  /** The version as written in the history table. */
  @Override
  public String toString() {
    return text;
  }
}
