package dev.schemagate.sandbox.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU time in ms: other processes by name, threads of this JVM by name (the cluster's, the
 * operator's reconcile threads), this JVM, its threads (a sample, or after {@link #minus} the CPU
 * per pool), the whole machine.
 */
record CpuUse(
    Map<String, Double> processes,
    Map<String, Double> threads,
    double reconcile,
    double jvm,
    Map<Long, CpuTimes.ThreadCpu> sample,
    Map<String, Double> pools,
    double machine) {

  private static final int POOLS_SHOWN = 6;

  CpuUse minus(CpuUse before) {
    return new CpuUse(
        minus(processes, before.processes),
        minus(threads, before.threads),
        reconcile - before.reconcile,
        jvm - before.jvm,
        Map.of(),
        CpuTimes.byPool(before.sample, sample),
        machine - before.machine);
  }

  private static Map<String, Double> minus(Map<String, Double> now, Map<String, Double> then) {
    Map<String, Double> diff = new LinkedHashMap<>();
    now.forEach((name, ms) -> diff.put(name, ms - then.getOrDefault(name, 0.0)));
    return diff;
  }

  String describe(double wallMillis) {
    StringBuilder text = new StringBuilder("CPU while reaching Ready: ");
    processes.forEach((name, ms) -> text.append(String.format("%s %.1f s, ", name, ms / 1000)));
    text.append(String.format("this JVM %.1f s, in which ", jvm / 1000));
    threads.forEach((name, ms) -> text.append(String.format("%s %.1f s, ", name, ms / 1000)));
    text.append(String.format("operator reconcile threads %.1f s%n", reconcile / 1000));
    text.append("    this JVM's busiest threads: ");
    text.append(
        String.join(
            ", ",
            pools.entrySet().stream()
                .limit(POOLS_SHOWN)
                .map(e -> String.format("%s %.1f s", e.getKey(), e.getValue() / 1000))
                .toList()));
    int cores = Runtime.getRuntime().availableProcessors();
    double ours = jvm + processes.values().stream().mapToDouble(Double::doubleValue).sum();
    return text.append(
            String.format(
                "%n    machine busy %.1f s of %.1f s (%d cores x %.1f s wall) = %.0f %%; of"
                    + " that, %.1f s outside this benchmark's processes",
                machine / 1000,
                cores * wallMillis / 1000,
                cores,
                wallMillis / 1000,
                100 * machine / (cores * wallMillis),
                (machine - ours) / 1000))
        .toString();
  }
}
