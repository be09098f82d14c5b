package dev.schemagate.cli;

import dev.schemagate.lifecycle.LiveDependencyChecks;
import dev.schemagate.metrics.LifecycleMetrics;
import dev.schemagate.runtime.HealthServer;
import dev.schemagate.runtime.LeaderElection;
import dev.schemagate.runtime.Leadership;
import dev.schemagate.runtime.OperatorSettings;
import dev.schemagate.runtime.PrometheusMetrics;
import dev.schemagate.runtime.SchemagateOperator;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Runs the controller until the process is stopped. */
@Command(
    name = "operator",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Run the AppDeployment controller. The Kubernetes connection is configured the standard way:"
          + " in-cluster service account, else KUBECONFIG or ~/.kube/config."
    })
final class OperatorCommand implements Callable<Integer> {

  private static final Logger log = LoggerFactory.getLogger(OperatorCommand.class);

  @Mixin LoggingOptions logging;

  @Option(
      names = "--namespaces",
      split = ",",
      defaultValue = "${env:SCHEMAGATE_WATCH_NAMESPACES:-}",
      description =
          "Comma-separated namespaces to watch; empty watches all namespaces."
              + " Env: SCHEMAGATE_WATCH_NAMESPACES.")
  List<String> namespaces;

  @Option(
      names = "--reconcile-threads",
      defaultValue = "${env:SCHEMAGATE_RECONCILE_THREADS:-10}",
      description =
          "AppDeployments reconciled at once. Env: SCHEMAGATE_RECONCILE_THREADS."
              + " Default: ${DEFAULT-VALUE}.")
  int reconcileThreads;

  @Option(
      names = "--operator-image",
      defaultValue = "${env:SCHEMAGATE_IMAGE:-" + OperatorSettings.DEFAULT_IMAGE + "}",
      description =
          "schemagate's own image, for Flyway migration Jobs and the schema gate."
              + " Env: SCHEMAGATE_IMAGE. Default: ${DEFAULT-VALUE}.")
  String operatorImage;

  @Option(
      names = "--stuck-pod-grace",
      defaultValue = "${env:SCHEMAGATE_STUCK_POD_GRACE:-PT5M}",
      converter = DurationConverter.class,
      description =
          "How long a migration pod may wait on its image or configuration (ImagePullBackOff,"
              + " CreateContainerConfigError) before the migration fails; ISO-8601 (PT5M) or"
              + " seconds. Env: SCHEMAGATE_STUCK_POD_GRACE. Default: ${DEFAULT-VALUE}.")
  Duration stuckPodGrace;

  @Option(
      names = "--jobs-to-keep",
      defaultValue = "${env:SCHEMAGATE_JOBS_TO_KEEP:-3}",
      description =
          "Migration Jobs kept per AppDeployment, newest revisions first, so their logs can be"
              + " read. Env: SCHEMAGATE_JOBS_TO_KEEP. Default: ${DEFAULT-VALUE}.")
  int jobsToKeep;

  @Option(
      names = "--health-port",
      defaultValue = "${env:SCHEMAGATE_HEALTH_PORT:-8081}",
      description =
          "Port of /healthz, /readyz and /metrics (Prometheus); 0 picks a free port."
              + " Env: SCHEMAGATE_HEALTH_PORT. Default: ${DEFAULT-VALUE}.")
  int healthPort;

  @Option(
      names = "--leader-election",
      defaultValue = "${env:SCHEMAGATE_LEADER_ELECTION:-false}",
      fallbackValue = "true",
      arity = "0..1",
      description =
          "Elect a leader through a Lease so that only one replica reconciles; needed when more"
              + " than one replica runs. Env: SCHEMAGATE_LEADER_ELECTION. Default: ${DEFAULT-VALUE}.")
  boolean leaderElection;

  @Option(
      names = "--lease-namespace",
      defaultValue = "${env:SCHEMAGATE_LEASE_NAMESPACE:-}",
      description =
          "Namespace of the leader Lease, the operator's own; empty infers it from the in-cluster"
              + " service account. Env: SCHEMAGATE_LEASE_NAMESPACE.")
  String leaseNamespace;

  @Override
  public Integer call() throws Exception {
    logging.apply();
    OperatorSettings settings =
        new OperatorSettings(
            namespaces, reconcileThreads, operatorImage, stuckPodGrace, jobsToKeep);
    KubernetesClient client = SchemagateOperator.newClient();
    log.info(
        "Starting schemagate operator against {} watching {}",
        client.getMasterUrl(),
        settings.watchesAllNamespaces() ? "all namespaces" : settings.namespaces());
    PrometheusMeterRegistry registry = PrometheusMetrics.registry();
    LifecycleMetrics metrics = new LifecycleMetrics(registry);
    LeaderElection election =
        leaderElection
            ? LeaderElection.in(
                leaseNamespace == null || leaseNamespace.isBlank() ? null : leaseNamespace)
            : LeaderElection.disabled();
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
                  operator.stop();
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
    return ExitCodes.OK;
  }
}
