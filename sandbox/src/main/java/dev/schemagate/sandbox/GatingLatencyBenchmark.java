package dev.schemagate.sandbox;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.cli.LogFormat;
import dev.schemagate.cli.Logging;
import dev.schemagate.lifecycle.LiveDependencyChecks;
import dev.schemagate.runtime.OperatorSettings;
import dev.schemagate.runtime.SchemagateOperator;
import dev.schemagate.testing.KubeletSimulator;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.javaoperatorsdk.operator.Operator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import org.awaitility.Awaitility;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Gating latency: from a migration Job's success (its completionTime) to the moment the API server
 * holds the component Deployment scaled up, with the schema verification against a real PostgreSQL
 * in between. Prints p50/p90/p99/max over the runs; a measurement, not a test.
 */
@Command(
    name = "gating-latency",
    mixinStandardHelpOptions = true,
    description = "Measures the time from a migration Job's success to the Deployment update.")
public final class GatingLatencyBenchmark implements Callable<Integer> {

  static final String NAMESPACE = "bench";

  @Option(
      names = "--runs",
      defaultValue = "100",
      description = "Installs to measure. Default: ${DEFAULT-VALUE}.")
  int runs;

  @Option(
      names = "--warmup",
      defaultValue = "10",
      description = "Installs run first, not counted. Default: ${DEFAULT-VALUE}.")
  int warmup;

  public static void main(String[] args) {
    java.util.logging.Logger.getLogger("io.fabric8.mockwebserver")
        .setLevel(java.util.logging.Level.WARNING);
    System.exit(new CommandLine(new GatingLatencyBenchmark()).execute(args));
  }

  @Override
  public Integer call() {
    Logging.configure(LogFormat.text, "ERROR");
    Map<String, Instant> scaledUp = new ConcurrentHashMap<>();
    try (SandboxCluster cluster = SandboxCluster.start();
        Databases databases = Databases.start()) {
      KubernetesClient client = cluster.client();
      String database = databases.createDatabase();
      databases.migrate(database, "/demo/migrate.sql");
      client
          .namespaces()
          .resource(
              new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
          .create();
      client
          .resource(
              new SecretBuilder()
                  .withNewMetadata()
                  .withName("app-db")
                  .withNamespace(NAMESPACE)
                  .endMetadata()
                  .addToStringData("url", databases.url(database))
                  .build())
          .create();
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
      try (KubeletSimulator kubelet =
          new KubeletSimulator(client, NAMESPACE).jobRunTime(Duration.ofMillis(50)).start()) {
        operator.start();
        List<Long> micros = new ArrayList<>();
        for (int i = 0; i < warmup + runs; i++) {
          String name = "bench-" + i;
          client.resource(app(name)).create();
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
          if (i >= warmup) {
            micros.add(Duration.between(succeeded, scaledUp.get(name)).toNanos() / 1000);
          }
        }
        report(micros);
      } finally {
        watch.close();
        // A reconcile interrupted by the stop logs a stack trace: not part of the measurement.
        Logging.configure(LogFormat.text, "OFF");
        operator.stop();
      }
    }
    return 0;
  }

  private static AppDeployment app(String name) {
    return new io.fabric8.kubernetes.client.utils.KubernetesSerialization()
        .unmarshal(
            """
        apiVersion: schemagate.dev/v1alpha1
        kind: AppDeployment
        metadata: {name: %s, namespace: %s}
        spec:
          image: bench:1
          database: {urlSecretRef: {name: app-db, key: url}}
          migration: {command: [migrate]}
          schema:
            tables:
              - name: business_calendars
                columns: [id, business_id, is_active]
                indexes: [idx_business_calendars_business_active]
              - name: calendar_routing_rules
                columns: [question_text]
          schemaGate: {enabled: false}
          components:
            - name: api
              replicas: 2
        """
                .formatted(name, NAMESPACE),
            AppDeployment.class);
  }

  private static void report(List<Long> micros) {
    List<Long> sorted = new ArrayList<>(micros);
    Collections.sort(sorted);
    System.out.printf(
        "gating latency, Job success -> Deployment scaled up, %d runs (ms):%n", sorted.size());
    System.out.printf(
        "  p50 %.1f  p90 %.1f  p99 %.1f  max %.1f  min %.1f%n",
        pct(sorted, 50),
        pct(sorted, 90),
        pct(sorted, 99),
        sorted.get(sorted.size() - 1) / 1000.0,
        sorted.get(0) / 1000.0);
  }

  private static double pct(List<Long> sorted, int p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, index)) / 1000.0;
  }
}
