package dev.schemagate.gate;

import java.util.Map;

/**
 * Where the schema gate reads its environment: the process environment, unless a test put another
 * map in place with {@link #override}. Read once per run; nothing is cached.
 */
public final class GateEnvironment {

  private static volatile Map<String, String> override;

  private GateEnvironment() {}

  /** The environment for this run. */
  public static Map<String, String> current() {
    Map<String, String> env = override;
    return env != null ? env : System.getenv();
  }

  /**
   * Uses {@code env} instead of the process environment until the returned handle is closed; for
   * tests that run the real command line in-process.
   */
  public static Override override(Map<String, String> env) {
    override = Map.copyOf(env);
    return new Override();
  }

  /** Restores the process environment when closed. */
  public static final class Override implements AutoCloseable {
    private Override() {}

    @java.lang.Override
    public void close() {
      override = null;
    }
  }
}
