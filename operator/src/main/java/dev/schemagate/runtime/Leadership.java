package dev.schemagate.runtime;

import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This replica's part in the leader election: standby until it leads. A leader that loses its Lease
 * while running must stop acting at once (another replica may already lead), so it leaves the
 * process to be restarted and rejoin as a standby; a leader stopping because the process is
 * shutting down does nothing more (exiting from a shutdown hook would hang the JVM).
 */
public final class Leadership {

  private static final Logger log = LoggerFactory.getLogger(Leadership.class);

  private final boolean elected;
  private final Runnable onLostWhileRunning;
  private final AtomicBoolean leading = new AtomicBoolean();
  private final AtomicBoolean stopping = new AtomicBoolean();
  private volatile String leader;

  private Leadership(boolean elected, Runnable onLostWhileRunning) {
    this.elected = elected;
    this.onLostWhileRunning = onLostWhileRunning;
  }

  /** Without an election this replica always leads. */
  public static Leadership always() {
    Leadership leadership = new Leadership(false, () -> {});
    leadership.leading.set(true);
    return leadership;
  }

  /** Elected; losing the Lease while running exits the process (status 1). */
  public static Leadership elected() {
    return elected(
        () -> {
          Thread exit = new Thread(() -> System.exit(1), "schemagate-lost-leadership");
          exit.start();
        });
  }

  /** Elected, with what to do when the Lease is lost while running. */
  public static Leadership elected(Runnable onLostWhileRunning) {
    return new Leadership(true, onLostWhileRunning);
  }

  public boolean isLeading() {
    return leading.get();
  }

  /** True while this replica waits for the Lease: healthy and ready, but not reconciling. */
  public boolean isStandby() {
    return elected && !leading.get() && !stopping.get();
  }

  /** The current leader's identity as last seen, or null before the first observation. */
  public String leader() {
    return leader;
  }

  /** Called before the operator stops, so that giving up the Lease is not mistaken for a loss. */
  public void stopping() {
    stopping.set(true);
  }

  LeaderCallbacks callbacks() {
    return new LeaderCallbacks(
        () -> {
          leading.set(true);
          log.info("Leading: this replica now reconciles AppDeployments");
        },
        () -> {
          boolean wasLeading = leading.getAndSet(false);
          if (stopping.get()) {
            log.info("Stopped leading: shutting down");
          } else if (wasLeading) {
            log.error("Lost the leader Lease while running; exiting so that a restart rejoins");
            onLostWhileRunning.run();
          }
        },
        identity -> {
          leader = identity;
          log.info("Leader is {}", identity);
        });
  }
}
