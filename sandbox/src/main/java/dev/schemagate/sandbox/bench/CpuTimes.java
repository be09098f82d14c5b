package dev.schemagate.sandbox.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/** CPU time, in milliseconds, of threads of this JVM, of processes and of the whole machine. */
final class CpuTimes {

  /** Linux's USER_HZ: /proc/stat counts in 1/100 s. */
  private static final double MILLIS_PER_TICK = 10;

  private CpuTimes() {}

  /** Threads of this JVM whose name starts with {@code prefix}, those alive now. */
  static double ofThreads(String prefix) {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long total = 0;
    for (Thread thread : allThreads()) {
      if (thread.getName().startsWith(prefix)) {
        total += Math.max(0, mx.getThreadCpuTime(thread.getId()));
      }
    }
    return total / 1e6;
  }

  /** User + system time of a process (Linux: utime + stime of /proc/PID/stat); -1 if unknown. */
  static double ofProcess(ProcessHandle process) {
    return process.info().totalCpuDuration().map(Duration::toNanos).orElse(-1L) / 1e6;
  }

  /**
   * A process with its children: its own time, that of the children it has waited for (cutime,
   * cstime: e.g. PostgreSQL's ended connection backends) and that of its live descendants; -1 if
   * there is no /proc.
   */
  static double ofProcessTree(ProcessHandle process) {
    try {
      double total = statMillis(process.pid(), true);
      for (ProcessHandle child : process.descendants().toList()) {
        total += Math.max(0, statMillis(child.pid(), true));
      }
      return total;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private static double statMillis(long pid, boolean withChildren) throws IOException {
    try {
      return statTicks(Files.readString(Path.of("/proc/" + pid + "/stat")), withChildren)
          * MILLIS_PER_TICK;
    } catch (java.nio.file.NoSuchFileException e) {
      return 0; // ended meanwhile
    }
  }

  /**
   * utime + stime (+ cutime + cstime) of a /proc/PID/stat line, in ticks. The command name in
   * parentheses may hold spaces: fields are counted from the last ')'.
   */
  static long statTicks(String stat, boolean withChildren) {
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
    // f[0] is field 3 (state): utime is field 14, stime 15, cutime 16, cstime 17.
    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
    return withChildren ? ticks + Long.parseLong(f[13]) + Long.parseLong(f[14]) : ticks;
  }

  /**
   * CPU time of each live thread of this JVM, Java or not (JIT compiler, garbage collector), by
   * native thread id, named as Linux knows it (the first 15 characters of a Java thread's name).
   * Empty where there is no /proc.
   */
  static Map<Long, ThreadCpu> threads() {
    Map<Long, ThreadCpu> threads = new HashMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path task : tasks.toList()) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          threads.put(
              Long.parseLong(task.getFileName().toString()),
              new ThreadCpu(name, statTicks(stat, false) * MILLIS_PER_TICK));
        } catch (IOException e) {
          // the thread ended meanwhile
        }
      }
    } catch (IOException e) {
      return Map.of();
    }
    return threads;
  }

  record ThreadCpu(String name, double millis) {}

  /**
   * CPU used between two {@link #threads()} samples, by thread name with numbers replaced by # (so
   * a pool's threads add up), busiest first; threads that ended in between are missing.
   */
  static Map<String, Double> byPool(Map<Long, ThreadCpu> before, Map<Long, ThreadCpu> after) {
    Map<String, Double> pools = new HashMap<>();
    after.forEach(
        (id, now) -> {
          ThreadCpu then = before.get(id);
          double used = now.millis() - (then == null ? 0 : then.millis());
          pools.merge(now.name().replaceAll("\\d+", "#"), used, Double::sum);
        });
    Map<String, Double> sorted = new LinkedHashMap<>();
    pools.entrySet().stream()
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .forEach(e -> sorted.put(e.getKey(), e.getValue()));
    return sorted;
  }

  /** Every core's busy time (not idle, not waiting for I/O) per /proc/stat; -1 if unknown. */
  static double machineBusy() {
    try {
      return busyMillis(Files.readAllLines(Path.of("/proc/stat")).get(0));
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * Busy time of the aggregate "cpu" line of /proc/stat: user, nice, system, irq, softirq and steal
   * ticks (guest time is already in user).
   */
  static double busyMillis(String cpuLine) {
    String[] f = cpuLine.trim().split("\\s+");
    if (!f[0].equals("cpu")) {
      throw new IllegalArgumentException("not the aggregate cpu line: " + cpuLine);
    }
    long ticks = 0;
    for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
      ticks += i < f.length ? Long.parseLong(f[i]) : 0;
    }
    return ticks * MILLIS_PER_TICK;
  }

  static Thread[] allThreads() {
    ThreadGroup root = Thread.currentThread().getThreadGroup();
    while (root.getParent() != null) {
      root = root.getParent();
    }
    Thread[] threads = new Thread[4096];
    return Arrays.copyOf(threads, root.enumerate(threads, true));
  }
}
