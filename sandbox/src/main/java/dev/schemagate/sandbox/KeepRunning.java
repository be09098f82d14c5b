package dev.schemagate.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code --keep-running}: once the scenarios are done, the API server, the databases and the
 * operator stay up, with a kubeconfig for clients, until {@link #stop()} - what Ctrl-C does through
 * the demo's shutdown hook, and what a test calls.
 */
public final class KeepRunning {

  /**
   * What a kubeconfig reaches on the in-process API server, and what it does not, as found by
   * sending it kubectl's requests (DemoTest checks each of these).
   */
  static final String KUBECTL_NOTE =
      """
      kubectl does not work against this API server (Fabric8's mock server): it does not serve
      kubectl's discovery (/api and /apis answer with a list of every stored object instead of
      the API versions and groups; only /apis/schemagate.dev/v1alpha1 lists appdeployments), and
      it serves watches only over WebSocket, as Fabric8 clients watch, while kubectl -w streams
      plain HTTP, which it refuses (400). What works: Fabric8 clients with this kubeconfig (get,
      list, watch, informers) and plain GETs of the resource paths. It listens on loopback only
      and checks no credentials.""";

  private final CountDownLatch stop = new CountDownLatch(1);
  private final CountDownLatch finished = new CountDownLatch(1);
  private final CompletableFuture<Path> kubeconfig = new CompletableFuture<>();

  /** The kubeconfig, once the scenarios are done and it is written. */
  public CompletableFuture<Path> kubeconfig() {
    return kubeconfig;
  }

  /** Ends the wait: the demo then stops the operator and closes the databases and API server. */
  public void stop() {
    stop.countDown();
  }

  /** True once everything the demo started is closed (false after {@code timeout}). */
  public boolean awaitFinished(Duration timeout) throws InterruptedException {
    return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Everything is closed; a kubeconfig never written (a scenario threw) is never coming. */
  void finished() {
    kubeconfig.completeExceptionally(
        new IllegalStateException("the demo ended before it wrote a kubeconfig"));
    finished.countDown();
  }

  /**
   * Writes the kubeconfig (defaulting to {@code namespace}), tells how to use it, and waits for
   * {@link #stop()}; the kubeconfig is deleted when the wait ends.
   */
  void serve(SandboxCluster cluster, String namespace, Timeline timeline) {
    Path file;
    try {
      file = Files.createTempFile("schemagate-demo-", ".kubeconfig");
      cluster.writeKubeconfig(file, namespace);
    } catch (IOException | RuntimeException e) {
      kubeconfig.completeExceptionally(e);
      throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
    }
    timeline.section("still running (--keep-running): Ctrl-C stops everything");
    timeline.step(
        "the Kubernetes API at %s, PostgreSQL, Redis and the operator keep running", cluster.url());
    timeline.text("kubeconfig " + file + ":");
    try {
      timeline.text(Files.readString(file).indent(4).stripTrailing());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    timeline.text("");
    timeline.text(KUBECTL_NOTE);
    timeline.text("  curl -s " + cluster.url() + "apis/schemagate.dev/v1alpha1/appdeployments");
    timeline.text("Against a real API server, the same objects would be watched with:");
    timeline.text("  KUBECONFIG=" + file + " kubectl get appd -A -w");
    kubeconfig.complete(file);
    try {
      stop.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        // A leftover kubeconfig in the temp directory names a closed port: harmless.
      }
    }
    timeline.step("stopping");
  }
}
