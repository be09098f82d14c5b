package dev.schemagate.testing;

import static org.awaitility.Awaitility.await;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.Crd;
import dev.schemagate.lifecycle.DependencyChecks;
import dev.schemagate.lifecycle.LiveDependencyChecks;
import dev.schemagate.metrics.LifecycleMetrics;
import dev.schemagate.runtime.LeaderElection;
import dev.schemagate.runtime.Leadership;
import dev.schemagate.runtime.OperatorSettings;
import dev.schemagate.runtime.SchemagateOperator;
import dev.schemagate.testkit.KubeletSimulator;
import dev.schemagate.testkit.TestPostgres;
import dev.schemagate.workload.Labels;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import javax.sql.DataSource;

/**
 * One end-to-end world: an in-process Kubernetes API (shared per test class), a real PostgreSQL
 * (one per JVM, a fresh database per test), the kubelet simulator and the real operator.
 */
public final class LifecycleHarness implements AutoCloseable {

  /** A canary password: it must never show up in a log, an Event, status or a Job spec. */
  public static final String DB_PASSWORD = "S3cr3tq-db";

  private static final AtomicInteger COUNTER = new AtomicInteger();

  public final KubernetesClient client;

  /** What the operator records, as /metrics would show it. */
  public final PrometheusMeterRegistry metrics =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  private final LifecycleMetrics recorded = new LifecycleMetrics(metrics);

  /** The operator's own client: its requests carry the operator's User-Agent. */
  private final KubernetesClient operatorClient;

  public final KubeletSimulator kubelet;
  public final String namespace;
  public final String database;
  private final OperatorSettings settings;
  private Operator operator;

  private LifecycleHarness(KubernetesClient client, OperatorSettings settings) {
    this.client = client;
    this.operatorClient = SchemagateOperator.newClient(client);
    int n = COUNTER.incrementAndGet();
    this.namespace = "e2e-" + n;
    this.database = "app_" + n;
    // The operator and the simulator of each test see only its namespace.
    this.settings = settings.withNamespaces(List.of(namespace));
    this.kubelet =
        new KubeletSimulator(client, namespace, Map.of(Labels.MANAGED_BY, Labels.MANAGER)).start();
  }

  /** Call once per class on the mock server's client: the status subresource needs the CRD. */
  public static void installCrd(KubernetesClient client) {
    try {
      client
          .apiextensions()
          .v1()
          .customResourceDefinitions()
          .load(Files.newInputStream(Crd.committed()))
          .createOr(existing -> existing.update());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static LifecycleHarness start(
      KubernetesMockServer server, KubernetesClient client, OperatorSettings settings) {
    LifecycleHarness harness = prepare(client, settings);
    harness.startOperator();
    return harness;
  }

  /** The world without an operator: the test starts one when and how it wants. */
  public static LifecycleHarness prepare(KubernetesClient client, OperatorSettings settings) {
    installCrd(client);
    LifecycleHarness harness = new LifecycleHarness(client, settings);
    harness.createDatabase();
    client
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(harness.namespace)
                .endMetadata()
                .build())
        .create();
    harness.putSecret("app-db", "url", harness.databaseUrl());
    return harness;
  }

  public static EmbeddedPostgres postgres() {
    return TestPostgres.shared();
  }

  private void createDatabase() {
    try (Connection c = postgres().getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + database);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  public String databaseUrl() {
    return "postgresql://postgres:"
        + DB_PASSWORD
        + "@localhost:"
        + postgres().getPort()
        + "/"
        + database;
  }

  public DataSource dataSource() {
    return postgres().getDatabase("postgres", database);
  }

  public void sql(String statements) {
    try (Connection c = dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.execute(statements);
    } catch (SQLException e) {
      throw new IllegalStateException("SQL failed: " + statements, e);
    }
  }

  /** Fails unless {@code query} returns a row, and when its first column is a boolean, true. */
  public void sqlAssert(String query) {
    try (Connection c = dataSource().getConnection();
        Statement s = c.createStatement();
        java.sql.ResultSet rows = s.executeQuery(query)) {
      if (!rows.next()) {
        throw new AssertionError("no row for: " + query);
      }
      // A query that answers with a truth value (SELECT count(*) = 2 ...) always has a row: its
      // value is what is asserted.
      int type = rows.getMetaData().getColumnType(1);
      if ((type == java.sql.Types.BOOLEAN || type == java.sql.Types.BIT) && !rows.getBoolean(1)) {
        throw new AssertionError("false: " + query);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("SQL failed: " + query, e);
    }
  }

  public void putSecret(String name, String key, String value) {
    client
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace)
                .endMetadata()
                .addToStringData(key, value)
                .build())
        .createOr(existing -> existing.update());
  }

  public void startOperator() {
    startOperator(operatorClient, new LiveDependencyChecks(recorded));
  }

  /** The running operator, or null between {@link #stopOperator} and {@link #startOperator}. */
  public Operator operator() {
    return operator;
  }

  /**
   * Starts the operator on a client of its own (which a test can cut off, as a killed process is)
   * and with the given checks (which a test can wrap to inject a fault mid-verification).
   */
  public void startOperator(KubernetesClient operatorClient, DependencyChecks checks) {
    operator =
        SchemagateOperator.create(
            operatorClient,
            settings,
            checks,
            recorded,
            LeaderElection.disabled(),
            Leadership.always());
    operator.start();
  }

  /** Runs an operator the test built itself, e.g. with a faster retry schedule. */
  public void startOperator(Operator prepared) {
    operator = prepared;
    operator.start();
  }

  /** The settings the operator of this world runs with (watching its namespace only). */
  public OperatorSettings settings() {
    return settings;
  }

  public void stopOperator() {
    if (operator != null) {
      operator.stop();
      operator = null;
    }
  }

  public AppDeployment apply(String yaml) {
    AppDeployment appd =
        client
            .resources(AppDeployment.class)
            .load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)))
            .item();
    appd.getMetadata().setNamespace(namespace);
    return client.resource(appd).createOr(existing -> existing.update());
  }

  public AppDeployment get(String name) {
    return client.resources(AppDeployment.class).inNamespace(namespace).withName(name).get();
  }

  public AppDeployment awaitStatus(String name, Predicate<AppDeployment> condition) {
    return await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> get(name), a -> a != null && a.getStatus() != null && condition.test(a));
  }

  /** Waits until the AppDeployment is in {@code phase} for its current generation. */
  public AppDeployment awaitPhase(String name, dev.schemagate.api.Phase phase) {
    return awaitStatus(
        name,
        a ->
            a.getStatus().getPhase() == phase
                && a.getMetadata().getGeneration().equals(a.getStatus().getObservedGeneration()));
  }

  /** A user's edit of the AppDeployment's spec, as {@link UserEdit} makes it. */
  public AppDeployment edit(String name, java.util.function.Consumer<AppDeployment> change) {
    return UserEdit.edit(client, namespace, name, change);
  }

  /**
   * The namespace's Events, once one of each given reason is there: the operator records a
   * reconcile's Events right after its status, so a test that has just seen the status waits for
   * them instead of racing them.
   */
  public List<Event> events(String... reasons) {
    return await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> client.v1().events().inNamespace(namespace).list().getItems(),
            events ->
                events.stream()
                    .map(Event::getReason)
                    .collect(java.util.stream.Collectors.toSet())
                    .containsAll(List.of(reasons)));
  }

  /**
   * The operator's metrics once they match {@code regex} (searched, not matched whole): a metric is
   * counted right after its Event is recorded, so it is waited for like one.
   */
  public String metricsMatching(String regex) {
    java.util.regex.Pattern pattern = java.util.regex.Pattern.compile(regex);
    return await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(metrics::scrape, text -> pattern.matcher(text).find());
  }

  public List<Job> jobs() {
    return client.batch().v1().jobs().inNamespace(namespace).list().getItems();
  }

  public Deployment deployment(String name) {
    return client.apps().deployments().inNamespace(namespace).withName(name).get();
  }

  /** The image of a Deployment's first container. */
  public String image(String deployment) {
    return deployment(deployment)
        .getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0)
        .getImage();
  }

  public List<Pod> pods(Map<String, String> labels) {
    return client.pods().inNamespace(namespace).withLabels(labels).list().getItems();
  }

  @Override
  public void close() {
    stopOperator();
    kubelet.close();
    operatorClient.close();
  }
}
