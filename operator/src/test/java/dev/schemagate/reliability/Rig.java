package dev.schemagate.reliability;

import dev.schemagate.lifecycle.DependencyChecks;
import dev.schemagate.lifecycle.LiveDependencyChecks;
import dev.schemagate.runtime.OperatorSettings;
import dev.schemagate.runtime.SchemagateOperator;
import dev.schemagate.testing.LifecycleHarness;
import dev.schemagate.testing.ShopApp;
import dev.schemagate.testkit.KubeletSimulator.Outcome;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.processing.retry.Retry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One scenario's world on a {@link FaultyApiServer}: the harness (namespace, database, kubelet
 * simulator), an audit of every Deployment write, and operator processes that can be killed. The
 * default migration builds the shop's whole schema and tells the audit so.
 */
final class Rig implements AutoCloseable {

  private static final AtomicInteger PROCESSES = new AtomicInteger();

  final FaultyApiServer api;
  final LifecycleHarness world;
  final RolloutAudit audit;
  private final List<KubernetesClient> clients = new ArrayList<>();
  private String agent;

  private Rig(FaultyApiServer api, OperatorSettings settings, boolean startOperator) {
    this.api = api;
    this.world = LifecycleHarness.prepare(api.client(), settings);
    this.audit = new RolloutAudit(api, world.namespace);
    world.kubelet.migrations(this::buildSchema);
    if (startOperator) {
      startOperator();
    }
  }

  static Rig start(FaultyApiServer api) {
    return new Rig(api, defaults(), true);
  }

  static Rig start(FaultyApiServer api, OperatorSettings settings, boolean startOperator) {
    return new Rig(api, settings, startOperator);
  }

  static OperatorSettings defaults() {
    return OperatorSettings.defaults().withStuckPodGrace(Duration.ofSeconds(2));
  }

  /** The default migration: builds the whole schema, which the audit then counts as built. */
  Outcome buildSchema(Job job) {
    world.sql(ShopApp.FULL_SCHEMA);
    audit.built(job);
    return Outcome.SUCCEED;
  }

  /**
   * The application's database is {@code pg}'s: its Secret points there and each migration builds
   * the schema there, then runs {@code afterMigration}.
   */
  void databaseOn(RestartablePostgres pg, Runnable afterMigration) {
    world.putSecret("app-db", "url", pg.url("postgres", LifecycleHarness.DB_PASSWORD));
    world.kubelet.migrations(
        job -> {
          pg.exec(ShopApp.FULL_SCHEMA);
          audit.built(job);
          afterMigration.run();
          return Outcome.SUCCEED;
        });
  }

  /** Builds the schema of every Job there is, then lets the held ones succeed. */
  void releaseHeldJobs() {
    world.jobs().forEach(this::buildSchema);
    world.kubelet.release(Outcome.SUCCEED);
  }

  /** Starts an operator process with live checks; returns its name (its User-Agent). */
  String startOperator() {
    return startOperator(new LiveDependencyChecks());
  }

  String startOperator(DependencyChecks checks) {
    agent = "schemagate-test-process-" + PROCESSES.incrementAndGet();
    KubernetesClient client = api.client(agent);
    clients.add(client);
    world.startOperator(client, checks);
    return agent;
  }

  /**
   * Starts an operator process built by {@code SchemagateOperator}, as in production, but retrying
   * failed reconciles on {@code retry}'s schedule.
   */
  String startOperator(Retry retry) {
    agent = "schemagate-test-process-" + PROCESSES.incrementAndGet();
    KubernetesClient client = api.client(agent);
    clients.add(client);
    world.startOperator(
        SchemagateOperator.create(client, world.settings(), new LiveDependencyChecks(), retry));
    return agent;
  }

  /** The running operator's name, as the API server sees it. */
  String agent() {
    return agent;
  }

  /** Kills the running operator: its requests fail from now on, then the process goes. */
  void killOperator() {
    api.kill(agent);
    world.stopOperator();
  }

  /** Successful creations of migration Jobs in this namespace, by any client. */
  List<String> jobsCreated() {
    return api
        .seen(
            r ->
                r.method().equals("POST")
                    && r.path().startsWith("/apis/batch/v1/namespaces/" + world.namespace + "/jobs")
                    && r.code() < 300)
        .stream()
        .map(FaultyApiServer.Seen::body)
        .toList();
  }

  @Override
  public void close() {
    world.close();
    clients.forEach(KubernetesClient::close);
  }
}
