package dev.schemagate.sandbox.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Nearest-rank percentiles of a sample. */
public final class Stats {

  private final List<Double> sorted;

  public Stats(List<? extends Number> values) {
    List<Double> copy = new ArrayList<>();
    values.forEach(v -> copy.add(v.doubleValue()));
    Collections.sort(copy);
    if (copy.isEmpty()) {
      throw new IllegalArgumentException("no values");
    }
    this.sorted = copy;
  }

  public double pct(double p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, index));
  }

  public double median() {
    return pct(50);
  }

  public double min() {
    return sorted.get(0);
  }

  public double max() {
    return sorted.get(sorted.size() - 1);
  }

  public int size() {
    return sorted.size();
  }
}
