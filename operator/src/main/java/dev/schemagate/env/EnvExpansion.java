package dev.schemagate.env;

import java.util.Map;

/**
 * Kubernetes' {@code $(VAR)} references in env values: {@code $(NAME)} becomes the value of a
 * variable defined before it, {@code $$} a single {@code $}, and anything else stays as written.
 * Needed here because URLs are often assembled as {@code postgresql://app:$(DB_PASSWORD)@db/app},
 * and then the result carries a Secret's value.
 */
final class EnvExpansion {

  private EnvExpansion() {}

  /** The expanded value; from a Secret when any variable it used was. */
  static EnvValue expand(String value, Map<String, EnvValue> defined) {
    if (value.indexOf('$') < 0) {
      return EnvValue.literal(value);
    }
    StringBuilder out = new StringBuilder(value.length());
    boolean fromSecret = false;
    int i = 0;
    while (i < value.length()) {
      char c = value.charAt(i);
      if (c == '$' && i + 1 < value.length() && value.charAt(i + 1) == '$') {
        out.append('$');
        i += 2;
        continue;
      }
      if (c == '$' && i + 1 < value.length() && value.charAt(i + 1) == '(') {
        int close = value.indexOf(')', i + 2);
        if (close > i + 2) {
          EnvValue referenced = defined.get(value.substring(i + 2, close));
          if (referenced != null && !referenced.isRuntime()) {
            out.append(referenced.value());
            fromSecret |= referenced.fromSecret();
            i = close + 1;
            continue;
          }
        }
      }
      out.append(c);
      i++;
    }
    return EnvValue.of(out.toString(), fromSecret);
  }
}
