package dev.schemagate.masking;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Collects the ranges of a text that must not be shown and replaces each with {@link Masker#MASK}.
 * Masking works on positions rather than by rebuilding URLs, so everything around a secret stays
 * exactly as the user wrote it.
 */
final class Redactions {

  private final List<Span> spans = new ArrayList<>();

  void add(Span span) {
    if (span != null && !span.isEmpty()) {
      spans.add(span);
    }
  }

  /** The hidden texts themselves, e.g. to look for them elsewhere. */
  List<String> texts(String source) {
    List<String> texts = new ArrayList<>();
    for (Span s : spans) {
      texts.add(s.of(source));
    }
    return texts;
  }

  String applyTo(String text) {
    return spans.isEmpty() ? text : applyFrom(text, 0);
  }

  /**
   * {@code text} from {@code from} on, masked. A range that starts before {@code from} and ends
   * after it shows as {@link Masker#MASK} at the start: the part of a secret that is kept.
   */
  String applyFrom(String text, int from) {
    List<Span> sorted = new ArrayList<>(spans);
    sorted.sort(Comparator.comparingInt(Span::start));
    StringBuilder out = new StringBuilder(text.length() - from);
    int pos = from;
    for (Span s : sorted) {
      if (s.end() <= pos) {
        continue; // before the start, or inside a range already replaced
      }
      if (s.start() >= pos) {
        out.append(text, pos, s.start()).append(Masker.MASK);
      } else if (pos == from) {
        out.append(Masker.MASK); // straddles the start: nothing replaced yet
      }
      pos = s.end();
    }
    return out.append(text, pos, text.length()).toString();
  }
}
