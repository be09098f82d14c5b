package dev.schemagate.secrets;

/** A half-open range {@code [start, end)} of character positions in a source text. */
record Span(int start, int end) {

  boolean isEmpty() {
    return end <= start;
  }

  String of(String source) {
    return source.substring(start, end);
  }
}
