package dev.schemagate.sandbox;

import dev.schemagate.cli.LogFormat;
import dev.schemagate.cli.Logging;
import dev.schemagate.lifecycle.LiveDependencyChecks;
import dev.schemagate.runtime.OperatorSettings;
import dev.schemagate.runtime.SchemagateOperator;
import dev.schemagate.sandbox.bench.BenchApps;
import dev.schemagate.sandbox.bench.Harness;
import dev.schemagate.sandbox.bench.JobPollers;
import dev.schemagate.sandbox.bench.Stats;
import dev.schemagate.testkit.KubeletSimulator;
import dev.schemagate.workload.Labels;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.javaoperatorsdk.operator.Operator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import org.awaitility.Awaitility;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Gating latency: from a migration Job's success (its completionTime) to the moment the API server
 * holds the component Deployment scaled up, with the schema verification against a real PostgreSQL
 * in between. Prints p50/p90/p99/max over the runs; a measurement, not a test.
 *
 * <p>Baseline in the same run: the init-container way (k8s-wait-for), a loop that reads the Job
 * every 2 s and releases the pod when it sees the Job succeeded. One such loop per install, started
 * when the install is applied plus a random offset below 2 s (a pod starts at no particular moment
 * of the Job's run); its release time is when its read returned the success.
 */
@Command(
    name = "gating-latency",
    mixinStandardHelpOptions = true,
    description = "Measures the time from a migration Job's success to the Deployment update.")
public final class GatingLatencyBenchmark implements Callable<Integer> {

  static final String NAMESPACE = "bench";

  @Option(
      names = "--runs",
      defaultValue = "200",
      description = "Installs to measure. Default: ${DEFAULT-VALUE}.")
  int runs;

  @Option(
      names = "--warmup",
      defaultValue = "10",
      description = "Installs run first, not counted. Default: ${DEFAULT-VALUE}.")
  int warmup;

  public static void main(String[] args) {
    Harness.main(new GatingLatencyBenchmark(), args);
  }

  @Override
  public Integer call() throws InterruptedException {
    Logging.configure(LogFormat.text, "ERROR");
    Map<String, Instant> scaledUp = new ConcurrentHashMap<>();
    try (SandboxCluster cluster = SandboxCluster.start();
        Databases databases = Databases.start()) {
      KubernetesClient client = cluster.client();
      String database = databases.createDatabase();
      databases.migrate(database, "/demo/migrate.sql");
      BenchApps.namespace(client, NAMESPACE, databases.url(database), null);
      Operator operator =
          SchemagateOperator.create(
              client,
              OperatorSettings.defaults().withNamespaces(List.of(NAMESPACE)),
              new LiveDependencyChecks());
      SharedIndexInformer<Deployment> watch =
          client
              .apps()
              .deployments()
              .inNamespace(NAMESPACE)
              .inform(
                  new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(Deployment d) {
                      onUpdate(null, d);
                    }

                    @Override
                    public void onUpdate(Deployment old, Deployment d) {
                      if (d.getSpec().getReplicas() != null && d.getSpec().getReplicas() > 0) {
                        scaledUp.putIfAbsent(
                            d.getMetadata().getLabels().get("schemagate.dev/appdeployment"),
                            Instant.now());
                      }
                    }

                    @Override
                    public void onDelete(Deployment d, boolean unknown) {}
                  });
      try (JobPollers pollers = new JobPollers(client, NAMESPACE, Duration.ofSeconds(2));
          KubeletSimulator kubelet =
              new KubeletSimulator(client, NAMESPACE, Map.of(Labels.MANAGED_BY, Labels.MANAGER))
                  .jobRunTime(Duration.ofMillis(50))
                  .start()) {
        operator.start();
        List<Long> micros = new ArrayList<>();
        List<String> measured = new ArrayList<>();
        Map<String, Instant> completed = new ConcurrentHashMap<>();
        for (int i = 0; i < warmup + runs; i++) {
          String name = "bench-" + i;
          client.resource(BenchApps.app(name, NAMESPACE, false)).create();
          pollers.start(name);
          Awaitility.await()
              .atMost(Duration.ofSeconds(60))
              .pollInterval(Duration.ofMillis(5))
              .until(() -> scaledUp.containsKey(name));
          Job job =
              client
                  .batch()
                  .v1()
                  .jobs()
                  .inNamespace(NAMESPACE)
                  .withLabel("schemagate.dev/appdeployment", name)
                  .list()
                  .getItems()
                  .get(0);
          Instant succeeded = Instant.parse(job.getStatus().getCompletionTime());
          completed.put(name, succeeded);
          if (i >= warmup) {
            micros.add(Duration.between(succeeded, scaledUp.get(name)).toNanos() / 1000);
            measured.add(name);
          }
        }
        pollers.awaitAll(Duration.ofSeconds(10));
        List<Long> polled = new ArrayList<>();
        for (String name : measured) {
          polled.add(
              Duration.between(completed.get(name), pollers.released(name)).toNanos() / 1000);
        }
        report("schemagate, event-driven: Job success -> Deployment scaled up", micros);
        report("init-container polling every 2 s: Job success -> the poll that sees it", polled);
      } finally {
        watch.close();
        // A reconcile interrupted by the stop logs a stack trace: not part of the measurement.
        Logging.configure(LogFormat.text, "OFF");
        operator.stop();
      }
    }
    return 0;
  }

  private static void report(String what, List<Long> micros) {
    Stats stats = new Stats(micros);
    System.out.printf("%s, %d runs (ms):%n", what, stats.size());
    System.out.printf(
        "  p50 %.1f  p90 %.1f  p99 %.1f  max %.1f  min %.1f%n",
        stats.pct(50) / 1000,
        stats.pct(90) / 1000,
        stats.pct(99) / 1000,
        stats.max() / 1000,
        stats.min() / 1000);
  }
}
