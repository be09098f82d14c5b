package dev.schemagate.masking;

/** A half-open range {@code [start, end)} of character positions in a source text. */
public record Span(int start, int end) {

  boolean isEmpty() {
    return end <= start;
  }

  public String of(String source) {
    return source.substring(start, end);
  }
}
