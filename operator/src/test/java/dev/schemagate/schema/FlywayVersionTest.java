package dev.schemagate.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class FlywayVersionTest {

  static FlywayVersion v(String text) {
    return FlywayVersion.parse(text).orElseThrow();
  }

  @Test
  void numbersNotText() {
    assertThat(v("117")).isGreaterThan(v("99"));
    assertThat(v("2.10")).isGreaterThan(v("2.9"));
    assertThat(v("1.0")).isEqualByComparingTo(v("1")).isEqualTo(v("1")).hasSameHashCodeAs(v("1"));
    assertThat(v("2_10")).isEqualTo(v("2.10"));
    assertThat(v("20260101000000")).isGreaterThan(v("9"));
    assertThat(v("99999999999999999999999")).isGreaterThan(v("99999999999999999999998"));
  }

  @Test
  void onlyDigitsAndSeparators() {
    assertThat(FlywayVersion.parse("v117")).isEmpty();
    assertThat(FlywayVersion.parse("1..2")).isEmpty();
    assertThat(FlywayVersion.parse("")).isEmpty();
    assertThat(FlywayVersion.parse(null)).isEmpty();
    assertThat(FlywayVersion.parse(" 117 ")).contains(v("117"));
  }

  @Property
  void ordersLikeTheirNumberParts(
      @ForAll("parts") List<Integer> a, @ForAll("parts") List<Integer> b) {
    int expected = Integer.signum(compare(a, b));
    assertThat(Integer.signum(v(join(a)).compareTo(v(join(b))))).isEqualTo(expected);
    assertThat(v(join(a)).equals(v(join(b)))).isEqualTo(expected == 0);
  }

  @Provide
  Arbitrary<List<Integer>> parts() {
    return Arbitraries.integers().between(0, 120).list().ofMinSize(1).ofMaxSize(4);
  }

  static String join(List<Integer> parts) {
    return String.join(".", parts.stream().map(String::valueOf).toList());
  }

  /** The reference: numeric, part by part, missing parts are zero. */
  static int compare(List<Integer> a, List<Integer> b) {
    for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
      BigInteger x = BigInteger.valueOf(i < a.size() ? a.get(i) : 0);
      BigInteger y = BigInteger.valueOf(i < b.size() ? b.get(i) : 0);
      if (x.compareTo(y) != 0) {
        return x.compareTo(y);
      }
    }
    return 0;
  }
}
