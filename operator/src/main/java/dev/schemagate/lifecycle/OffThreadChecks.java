package dev.schemagate.lifecycle;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.AppDeploymentSpec;
import dev.schemagate.lifecycle.Checks.CheckResult;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs the database and Redis checks off the reconcile threads, so that no number of slow or silent
 * databases - a tenant's URL may point anywhere - can hold the threads every other AppDeployment
 * needs. A reconcile waits for its check a short while (a healthy database answers in milliseconds,
 * so the usual check completes within the reconcile); a check still running then is reported {@link
 * Checks#IN_PROGRESS} and collected by a later reconcile. Each check has a hard deadline of its own
 * timeouts plus a grace: past it, it counts as a database that did not answer, whatever the driver
 * does with the thread.
 */
final class OffThreadChecks implements DependencyChecks {

  static final Duration WAIT_INLINE = Duration.ofSeconds(1);
  static final Duration DEADLINE_GRACE = Duration.ofSeconds(10);

  /** Checks that may run at once, over every tenant; more wait for a free thread. */
  static final int MAX_CONCURRENT = 64;

  private static final AtomicInteger THREADS = new AtomicInteger();

  private final DependencyChecks checks;
  private final ThreadPoolExecutor pool =
      new ThreadPoolExecutor(
          0,
          MAX_CONCURRENT,
          60,
          TimeUnit.SECONDS,
          new SynchronousQueue<>(),
          r -> {
            Thread thread = new Thread(r, "schemagate-check-" + THREADS.incrementAndGet());
            thread.setDaemon(true);
            return thread;
          });

  /** The running or finished check of each AppDeployment (by uid), for one spec generation. */
  private final Map<String, Running> running = new ConcurrentHashMap<>();

  private record Running(
      long generation,
      RevisionRecordRequest request,
      long startedNanos,
      CompletableFuture<Checks> result) {}

  OffThreadChecks(DependencyChecks checks) {
    this.checks = checks;
  }

  /**
   * The check of the request's AppDeployment: its result when done, else {@link
   * Checks#IN_PROGRESS}. A check already running for this generation and request is collected; one
   * started for another request (a look-up made before the migration that has succeeded since) is
   * left unheard, so that a schema checked before a migration never counts as verified after it.
   */
  @Override
  public Checks run(CheckRequest checkRequest) {
    AppDeployment resource = checkRequest.resource();
    RevisionRecordRequest request = checkRequest.revisionRecord();
    String uid = resource.getMetadata().getUid();
    long generation =
        resource.getMetadata().getGeneration() == null ? 0 : resource.getMetadata().getGeneration();
    Running previous = running.get(uid);
    Running check =
        running.compute(
            uid,
            (key, current) ->
                current != null
                        && current.generation() == generation
                        && Objects.equals(current.request(), request)
                    ? current
                    : start(checkRequest, generation));
    if (check == null) {
      return Checks.IN_PROGRESS; // every check thread is busy: try again shortly
    }
    long wait = check == previous ? 0 : WAIT_INLINE.toMillis();
    try {
      Checks result = check.result().get(wait, TimeUnit.MILLISECONDS);
      running.remove(uid, check);
      return result;
    } catch (TimeoutException e) {
      Duration deadline = deadline(resource.getSpec());
      if (request != null) {
        // The record is read or written on a connection of its own, before the verification.
        deadline = deadline.plus(databaseTimeout(resource.getSpec()));
      }
      if (System.nanoTime() - check.startedNanos() < deadline.toNanos()) {
        return Checks.IN_PROGRESS;
      }
      running.remove(uid, check);
      return unanswered(deadline);
    } catch (ExecutionException e) {
      running.remove(uid, check);
      throw new IllegalStateException("dependency check failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Checks.IN_PROGRESS;
    }
  }

  /** Drops what is kept for a deleted AppDeployment (a running check goes on, unheard). */
  void forget(String uid) {
    running.remove(uid);
  }

  private Running start(CheckRequest request, long generation) {
    try {
      return new Running(
          generation,
          request.revisionRecord(),
          System.nanoTime(),
          CompletableFuture.supplyAsync(() -> checks.run(request), pool));
    } catch (RejectedExecutionException e) {
      return null;
    }
  }

  /** The spec's own timeouts, for the database and for Redis, plus a grace. */
  private static Duration databaseTimeout(AppDeploymentSpec spec) {
    return Duration.ofSeconds(
        spec.getDatabase() == null || spec.getDatabase().getTimeoutSeconds() == null
            ? 10
            : spec.getDatabase().getTimeoutSeconds());
  }

  static Duration deadline(AppDeploymentSpec spec) {
    long database = databaseTimeout(spec).toSeconds();
    int redis =
        spec.getRedis() == null || spec.getRedis().getTimeoutSeconds() == null
            ? 5
            : spec.getRedis().getTimeoutSeconds();
    return Duration.ofSeconds(database + (spec.getRedis() == null ? 0 : redis))
        .plus(DEADLINE_GRACE);
  }

  private static Checks unanswered(Duration deadline) {
    return new Checks(
        new CheckResult(
            false,
            "DatabaseUnreachable",
            "Database did not answer within " + deadline.toSeconds() + " s (the check's deadline)",
            true),
        null,
        null);
  }
}
