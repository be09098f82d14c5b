package dev.schemagate.runtime;

import dev.schemagate.lifecycle.LiveDependencyChecks;
import dev.schemagate.metrics.LifecycleMetrics;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The operator as a process: client, metrics, leader election, HTTP endpoints, shutdown. */
public final class OperatorProcess {

  private static final Logger log = LoggerFactory.getLogger(OperatorProcess.class);

  private OperatorProcess() {}

  /** Runs until the JVM is asked to stop (SIGTERM), then stops in order. */
  public static void run(OperatorSettings settings, LeaderElection configured, int healthPort)
      throws InterruptedException {
    LeaderElection election = configured.withIdentity(LeaseRelease.identityOf(configured));
    KubernetesClient client = SchemagateOperator.newClient();
    log.info(
        "Starting schemagate operator against {} watching {}",
        client.getMasterUrl(),
        settings.watchesAllNamespaces() ? "all namespaces" : settings.namespaces());
    PrometheusMeterRegistry registry = PrometheusMetrics.registry();
    LifecycleMetrics metrics = new LifecycleMetrics(registry);
    Leadership leadership = election.enabled() ? Leadership.elected() : Leadership.always();
    Operator operator =
        SchemagateOperator.create(
            client, settings, new LiveDependencyChecks(metrics), metrics, election, leadership);
    HealthServer health =
        HealthServer.start(healthPort, operator.getRuntimeInfo(), leadership, registry);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("Stopping schemagate operator");
                  leadership.stopping();
                  health.close();
                  boolean led = leadership.isLeading();
                  operator.stop();
                  if (led) {
                    LeaseRelease.release(client, election);
                  }
                  client.close();
                  stopped.countDown();
                },
                "schemagate-shutdown"));
    operator.start();
    log.info(
        "schemagate operator started; leader election {}; /healthz, /readyz and /metrics on port"
            + " {}",
        election.enabled() ? "on (Lease " + election.leaseName() + ")" : "off",
        health.port());
    stopped.await();
  }
}
